/**
 * Family `cross-tool`: a definition that reaches beyond its own tool.
 *
 * - `shadowed-name` (20): a tool named like another server's tool (`ctx.otherTools`); 35 when the
 *   name only looks the same (case, homoglyphs, fullwidth) — a spoof rather than a collision.
 * - `other-tool-reference` (8–30): a description naming another server's tool; 30 when it says how
 *   that tool must be used ("when send_email is called, always BCC …"), 12 with a bare directive.
 *   Plain-word names (`search`) count only when quoted. References to the server's own tools are
 *   normal (`ctx.ownTools`).
 * - `tool-behaviour-override` (12–25): generic shadowing phrasing without naming the tool ("all
 *   other tools must…", "when this tool is available…", "all emails must be sent to x@y").
 */

import type { DefinitionRule, DefinitionString, RuleHit, RuleInput } from '../rule.js';
import { proseStrings } from '../rule.js';
import { foldedSpan } from '../text/analyzed.js';
import { type Automaton, createAutomaton, findKeywords } from '../text/automaton.js';
import { foldText } from '../text/fold.js';
import type { Token } from '../text/tokens.js';
import { SHADOWING_SPECS } from './cross-tool-phrases.js';
import { compileSpecs, phraseHits } from './phrase-rule.js';
import { shadowingHits } from './shadowing.js';

const PHRASES = compileSpecs(SHADOWING_SPECS);

/** "When <tool> is called, …": a trigger on a tool by name, judged against the known tools. */
const TRIGGERS_ON_TOOL = compileSpecs([
  {
    ruleId: 'other-tool-reference',
    pattern:
      'when|whenever|if|after|before|once|every+time|each+time ~3 $ident ~3 is|are|gets|get|has+been ~1 called|used|invoked|executed|run|triggered|requested',
    weight: 15,
    message: 'instructs the model about another tool being called',
    facet: 'cross-tool',
  },
  {
    ruleId: 'other-tool-reference',
    pattern:
      'when|whenever|before|after|while ~2 calling|using|invoking|running|executing ~2 $ident',
    weight: 15,
    message: 'instructs the model about another tool being called',
    facet: 'cross-tool',
  },
]);

/** Trigger hits on tools that are neither this server's own nor known other servers' tools. */
function unknownToolTriggers(
  prose: readonly DefinitionString[],
  own: ReadonlySet<string>,
  known: ReadonlyMap<string, readonly string[]>,
): RuleHit[] {
  const hits = phraseHits(TRIGGERS_ON_TOOL, prose);
  if (hits.length === 0) return [];
  const ownFolded = new Set([...own].map((n) => foldText(n).text));
  return hits.filter((hit) => {
    const s = prose.find((p) => p.pointer === hit.pointer);
    if (s === undefined) return false;
    const named = s.text.tokens.filter((t) => {
      const span = s.text.folded.starts[t.start] ?? -1;
      return span >= hit.span.start && span < hit.span.end && t.text.includes('_');
    });
    return named.some((t) => !ownFolded.has(t.text) && !known.has(t.text));
  });
}

const TRIGGERS = new Set('when whenever before after each every if once while'.split(' '));
const CALLS = new Set(
  'called used invoked run executed calling using invoking running executing triggered'.split(' '),
);
const DIRECTIVES = new Set(
  'always must should also instead never first ensure make remember need needs'.split(' '),
);

interface NameIndex {
  readonly automaton: Automaton | undefined;
  /** Folded names, as in the automaton. */
  readonly names: readonly string[];
  /** Folded name → the names as advertised. */
  readonly originals: ReadonlyMap<string, readonly string[]>;
}
const INDEXES = new WeakMap<ReadonlyMap<string, readonly string[]>, NameIndex>();

function isAsciiName(folded: string): boolean {
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (!(isNameChar(c) || c === 0x2e || c === 0x2f || c === 0x3a)) return false;
  }
  return true;
}

/** Whether a name reads as an identifier (not an ordinary word): `_`, `-`, `.`, digits, camelCase. */
function isIdentifierLike(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5f || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39)) return true;
    if (c >= 0x41 && c <= 0x5a && i > 0) return true;
  }
  return false;
}

function otherServers(input: RuleInput, name: string): readonly string[] {
  return (input.ctx.otherTools.get(name) ?? []).filter((s) => s !== input.ctx.server);
}

/** An index of every name in `ctx.otherTools`, built once per map. */
function nameIndex(otherTools: ReadonlyMap<string, readonly string[]>): NameIndex {
  const cached = INDEXES.get(otherTools);
  if (cached !== undefined) return cached;
  const originals = new Map<string, string[]>();
  for (const name of otherTools.keys()) {
    const folded = foldText(name).text;
    originals.set(folded, [...(originals.get(folded) ?? []), name]);
  }
  const names = [...originals.keys()].filter((n) => n.length >= 3 && isAsciiName(n));
  const index = {
    automaton: names.length > 0 ? createAutomaton(names) : undefined,
    names,
    originals,
  };
  INDEXES.set(otherTools, index);
  return index;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

function isQuote(ch: string): boolean {
  return ch === '`' || ch === "'" || ch === '"';
}

/** Directive context of the sentence around folded offsets `[start, end)`. */
function context(
  tokens: readonly Token[],
  start: number,
): { trigger: boolean; directive: boolean } {
  let k = tokens.findIndex((t) => t.end > start);
  if (k < 0) k = tokens.length - 1;
  let trigger = false;
  let call = false;
  let directive = false;
  for (const step of [-1, 1]) {
    for (
      let j = k + (step > 0 ? 0 : -1), n = 0;
      j >= 0 && j < tokens.length && n < 14;
      j += step, n++
    ) {
      const t = tokens[j];
      if (t === undefined || t.kind === 'stop') break;
      if (TRIGGERS.has(t.text)) trigger = true;
      if (CALLS.has(t.text)) call = true;
      if (DIRECTIVES.has(t.text)) directive = true;
    }
  }
  return { trigger: trigger && call, directive };
}

function referenceHits(
  input: RuleInput,
  s: DefinitionString,
  index: NameIndex,
  own: ReadonlySet<string>,
): RuleHit[] {
  if (index.automaton === undefined) return [];
  const text = s.text.folded.text;
  const hits: RuleHit[] = [];
  for (const hit of findKeywords(index.automaton, text, 64)) {
    const name = index.names[hit.keyword] ?? '';
    const start = hit.end - name.length;
    if (isNameChar(text.charCodeAt(start - 1)) || isNameChar(text.charCodeAt(hit.end))) continue;
    const targets = (index.originals.get(name) ?? []).filter((n) => !own.has(n));
    const servers = [...new Set(targets.flatMap((n) => otherServers(input, n)))];
    if (servers.length === 0) continue;
    const plain = !targets.some(isIdentifierLike);
    if (plain && !(isQuote(text.charAt(start - 1)) && isQuote(text.charAt(hit.end)))) continue;
    const { trigger, directive } = context(s.text.tokens, start);
    const weight = trigger && directive ? 30 : directive ? 12 : 8;
    hits.push({
      ruleId: 'other-tool-reference',
      weight,
      message:
        weight === 30
          ? `instructs how to use "${name}", a tool of ${servers.join(', ')}`
          : `refers to "${name}", a tool of ${servers.join(', ')}`,
      pointer: s.pointer,
      span: foldedSpan(s.text, start, hit.end),
      ...(weight > 8 ? { facet: 'cross-tool' as const } : {}),
    });
    if (hits.length >= 8) break;
  }
  return hits;
}

function shadowHits(input: RuleInput): RuleHit[] {
  if (input.kind !== 'tool') return [];
  const pointer = input.definition['name'] === input.key ? '/name' : '';
  const span = { start: 0, end: pointer === '' ? 0 : input.key.length };
  const exact = otherServers(input, input.key);
  if (exact.length > 0) {
    return [
      {
        ruleId: 'shadowed-name',
        weight: 20,
        message: `tool name also offered by ${exact.join(', ')}`,
        pointer,
        span,
      },
    ];
  }
  const lookalikes = nameIndex(input.ctx.otherTools).originals.get(foldText(input.key).text) ?? [];
  for (const name of lookalikes) {
    if (name !== input.key && otherServers(input, name).length > 0) {
      return [
        {
          ruleId: 'shadowed-name',
          weight: 35,
          message: `tool name imitates "${name}" of another server`,
          pointer,
          span,
        },
      ];
    }
  }
  return [];
}

const FOLDED_NAMES = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The folded forms of a list of tool names, computed once per list. */
function foldedNames(names: readonly string[]): ReadonlySet<string> {
  const cached = FOLDED_NAMES.get(names);
  if (cached !== undefined) return cached;
  const folded = new Set(names.map((n) => foldText(n).text));
  FOLDED_NAMES.set(names, folded);
  return folded;
}

/** The `cross-tool` family. */
export const crossTool: DefinitionRule = (input) => {
  const prose = proseStrings(input);
  const index = nameIndex(input.ctx.otherTools);
  const own = new Set([...(input.ctx.ownTools ?? []), input.key]);
  const ownTools = foldedNames(input.ctx.ownTools ?? []);
  const key = foldText(input.key).text;
  const isOtherTool = (w: string): boolean =>
    w !== key && !ownTools.has(w) && index.originals.has(w);
  return [
    ...shadowHits(input),
    ...phraseHits(PHRASES, prose),
    ...prose.flatMap((s) => shadowingHits(s, isOtherTool, key)),
    ...prose.flatMap((s) => referenceHits(input, s, index, own)),
    ...unknownToolTriggers(prose, own, index.originals),
  ];
};
