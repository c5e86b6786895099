/**
 * Family `destructive`: what a tool's annotations say it does, against its name and description.
 * Many real tools are destructive by design, so the weights are low: `destructive-annotation` (3)
 * for `destructiveHint: true` or `readOnlyHint: false` with a destructive verb, and
 * `misleading-annotation` (10) for `readOnlyHint: true` (or `destructiveHint: false`) on a tool
 * named for destroying (`delete_…`, `drop_…`).
 */

import type { JsonObject, JsonValue } from '../../surface/types.js';
import type { DefinitionRule, RuleHit } from '../rule.js';
import { foldText } from '../text/fold.js';

const DESTRUCTIVE = new Set(
  'delete remove drop destroy wipe erase overwrite truncate purge kill terminate format reset uninstall revoke shutdown rm rmdir unlink clear'.split(
    ' ',
  ),
);

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** The words of a name or text (`delete_file`, `deleteFile`, `delete-file` → delete, file). */
function wordsOf(text: string, limit: number): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < text.length && words.length < limit; i++) {
    const c = text.charCodeAt(i);
    const upper = c >= 0x41 && c <= 0x5a;
    const lower = c >= 0x61 && c <= 0x7a;
    if (upper && word !== '') {
      words.push(word);
      word = '';
    }
    if (upper || lower || (c >= 0x30 && c <= 0x39)) word += String.fromCharCode(upper ? c + 32 : c);
    else if (word !== '') {
      words.push(word);
      word = '';
    }
  }
  if (word !== '' && words.length < limit) words.push(word);
  return words;
}

function isDestructiveWord(word: string): boolean {
  return DESTRUCTIVE.has(word) || (word.endsWith('s') && DESTRUCTIVE.has(word.slice(0, -1)));
}

function describesDestruction(definition: JsonObject): boolean {
  const description = definition['description'];
  if (typeof description !== 'string') return false;
  return wordsOf(foldText(description.slice(0, 200)).text, 3).some(isDestructiveWord);
}

/** The `destructive` family (tools only). */
export const destructive: DefinitionRule = (input) => {
  if (input.kind !== 'tool') return [];
  const annotations = asObject(input.definition['annotations']);
  if (annotations === undefined) return [];
  const hits: RuleHit[] = [];
  const words = wordsOf(input.key, 2);
  const namedDestructive = DESTRUCTIVE.has(words[0] ?? '');
  const destructiveText = namedDestructive || describesDestruction(input.definition);
  const at = (field: string): { pointer: string; span: { start: number; end: number } } => ({
    pointer: `/annotations/${field}`,
    span: { start: 0, end: 0 },
  });
  if (annotations['readOnlyHint'] === true && destructiveText) {
    hits.push({
      ruleId: 'misleading-annotation',
      weight: 20,
      message: 'claims to be read-only but is named or described as destroying data',
      ...at('readOnlyHint'),
    });
  } else if (annotations['destructiveHint'] === false && destructiveText) {
    hits.push({
      ruleId: 'misleading-annotation',
      weight: 20,
      message: 'claims not to be destructive but is named or described as destroying data',
      ...at('destructiveHint'),
    });
  } else if (annotations['destructiveHint'] === true) {
    hits.push({
      ruleId: 'destructive-annotation',
      weight: 3,
      message: 'declares itself destructive',
      ...at('destructiveHint'),
    });
  } else if (annotations['readOnlyHint'] === false && destructiveText) {
    hits.push({
      ruleId: 'destructive-annotation',
      weight: 3,
      message: 'not read-only, and described as destroying data',
      ...at('readOnlyHint'),
    });
  }
  return hits;
};
