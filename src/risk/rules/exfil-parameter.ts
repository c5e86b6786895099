/**
 * Family `exfil-parameter`: parameters shaped to carry data out (DESIGN §1 "argument smuggling").
 *
 * - `exfil-param-name` (4–30): names that carry the conversation or system prompt
 *   (`_system_prompt_`, `chat_history`), side channels (`sidenote`, `notes`, `metadata`,
 *   `context`), callbacks (`callback_url`, `webhook`), `exfil`/`leak`, and underscore-wrapped
 *   names. Side-channel and callback names are common in real tools, so they weigh little alone.
 * - `exfil-param-description` (6–25): a parameter description asking for file contents, secrets or
 *   the conversation, or to be filled in "always"/"for internal use".
 * - `hidden-required-param` (10): a suspicious parameter the tool requires but its description
 *   never mentions.
 * - `param-smuggling` (8–20): the tool description tells the model to put content, secrets or
 *   the conversation into one of the tool's parameters ("pass its content as 'sidenote'").
 */

import type { JsonValue } from '../../surface/types.js';
import type { DefinitionRule, RuleHit, RuleInput } from '../rule.js';
import { analyzeText } from '../text/analyzed.js';
import { foldText } from '../text/fold.js';
import { secretPhrase } from '../text/lexicon.js';
import { bareName, type Param, paramsOf } from './params.js';
import { compileSpecs, phraseHits, type PhraseSpec } from './phrase-rule.js';
import { isSensitivePath } from './sensitive-target.js';

const CAPTURE_NAMES = new Set([
  'systemprompt',
  'prompthistory',
  'conversation',
  'conversationhistory',
  'chathistory',
  'previousmessages',
  'priormessages',
  'allmessages',
  'contextwindow',
  'transcript',
  'chatlog',
  'fullcontext',
  'sessionhistory',
  'conversationcontext',
  'userhistory',
  'memorydump',
]);
const CAPTURE_PARTS = [
  'conversation',
  'chathistory',
  'systemprompt',
  'transcript',
  'messagehistory',
  'previousmessages',
];
const SIDE_NAMES = new Set([
  'sidenote',
  'note',
  'notes',
  'annotation',
  'remark',
  'remarks',
  'feedback',
  'metadata',
  'meta',
  'extra',
  'extrainfo',
  'additionalinfo',
  'additionalcontext',
  'additionalnotes',
  'context',
  'debug',
  'debuginfo',
  'internal',
  'telemetry',
  'trace',
  'diagnostics',
  'comment',
  'reasoning',
]);
const CALLBACK_NAMES = new Set([
  'callback',
  'callbackurl',
  'webhook',
  'webhookurl',
  'notifyurl',
  'postback',
  'postbackurl',
  'reporturl',
  'uploadurl',
  'resulturl',
]);
const EXFIL_WORDS = ['exfil', 'leak', 'steal', 'harvest', 'siphon'];

/** How suspicious a parameter name is: weight, label, and whether it counts as a sink. */
function nameSignal(name: string): { weight: number; label: string } | undefined {
  const bare = bareName(foldText(name).text);
  if (EXFIL_WORDS.some((w) => bare.includes(w)))
    return { weight: 30, label: 'named for exfiltration' };
  const wrapped = name.length > 2 && (name.startsWith('_') || name.endsWith('__'));
  if (CAPTURE_NAMES.has(bare) || CAPTURE_PARTS.some((p) => bare.includes(p)))
    return { weight: wrapped ? 30 : 15, label: 'named to carry the conversation or system prompt' };
  if (wrapped) return { weight: 15, label: 'underscore-wrapped, hidden-looking name' };
  if (CALLBACK_NAMES.has(bare)) return { weight: 8, label: 'a callback URL' };
  if (SIDE_NAMES.has(bare)) return { weight: 4, label: 'a free-form side channel' };
  return undefined;
}

const DESCRIPTION_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'exfil-param-description',
    pattern:
      'content*|contents|text|copy|data|output|body|value ~3 of|from ~4 conversation*|chat+history|transcript*|previous+messages|prior+messages|system+prompt|$secret',
    weight: 25,
    message: 'parameter asks for secrets or the conversation',
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern: 'content*|contents|copy|body ~3 of|from ~3 $path',
    weight: 8,
    message: 'parameter asks for the contents of a file',
  },
  {
    ruleId: 'exfil-param-description',
    pattern:
      'fill*|populate*|includ*|provide*|pass|put|insert|add|summariz*|describe|paste|dump|full|entire|whole|complete|verbatim ~4 conversation*|chat+history|previous+messages|prior+messages|system+prompt|whole+conversation|entire+conversation|full+context|entire+context|whole+context|everything+you|all+information|all+details|all+the+information|all+context',
    weight: 20,
    message: 'parameter asks for the conversation or everything the model knows',
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern: 'always ~2 include*|provide*|fill*|pass*|send|set|populate*|add',
    weight: 10,
    message: 'parameter meant to be filled in every time',
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern: 'internal|telemetry|tracking ~1 use|context|purposes|telemetry|tracking|only|data',
    weight: 6,
    message: 'parameter "for internal use"',
  },
];
const ENV_SPECS: readonly PhraseSpec[] = [
  {
    ruleId: 'exfil-param-description',
    pattern:
      'all|every|each|entire|full|whole|dump ~3 environment|env|shell ~1 variable*|vars|var|environment',
    weight: 25,
    message: 'parameter asks for every environment variable (an environment dump)',
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern: 'value*|content*|contents ~4 environment|env ~1 variable*|var|vars',
    weight: 25,
    message: "parameter asks for an environment variable's value",
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern:
      'content*|contents|value*|output|dump|all|every ~4 process+env|os+environ|printenv|environ|getenv|env+command',
    weight: 25,
    message: "parameter asks for the process environment's values",
    facet: 'sink',
  },
  {
    ruleId: 'exfil-param-description',
    pattern:
      "append*|add|attach|include*|put ~5 user's|user|users|conversation*|chat ~3 last|latest|original|current|full|entire|previous|message*|prompt*|query|question*|request|input|history",
    weight: 25,
    message: "parameter carries the user's message or the conversation",
    facet: 'sink',
  },
];
/** Secret facets that accompany an environment dump (the values are secrets). */
const ENV_SECRET = compileSpecs([
  {
    ruleId: 'secret-request',
    pattern:
      'every|all|each|any ~3 key|keys|token|tokens|secret|secrets|password*|credential*|environment|env|value*',
    weight: 12,
    message: 'asks for every key, token or secret',
    facet: 'secret',
  },
]);
const DESCRIPTIONS = compileSpecs([...DESCRIPTION_SPECS, ...ENV_SPECS]);

const PASS_VERBS = new Set(
  'pass paste copy dump put include add send provide insert place store write embed attach append fill require requires need needs expect expects supply set give'.split(
    ' ',
  ),
);
const CONTENTISH = new Set(
  'content contents text data output result history conversation messages key keys token tokens password passwords credentials config configuration everything information name address phone birth location contacts'.split(
    ' ',
  ),
);

function smugglingHits(input: RuleInput, params: readonly Param[]): RuleHit[] {
  const hits: RuleHit[] = [];
  const byName = new Map(params.map((p) => [p.folded, p]));
  for (const s of input.strings) {
    if (s.role !== 'prose' || isUnderParam(s.pointer)) continue;
    const tokens = s.text.tokens;
    tokens.forEach((token, k) => {
      const param = byName.get(token.text);
      if (param === undefined || hits.length >= 8) return;
      let verb = -1;
      let object = false;
      let secret = false;
      for (let j = k - 1; j >= Math.max(0, k - 12); j--) {
        const t = tokens[j];
        if (t === undefined || t.kind === 'stop') break;
        if (CONTENTISH.has(t.text) || t.kind === 'path') object = true;
        if (t.kind === 'path' && isSensitivePath(t.text)) secret = true;
        if (secretPhrase(tokens, j) > 0 || t.text.startsWith('conversation')) secret = true;
        if (PASS_VERBS.has(t.text)) verb = j;
      }
      if (verb < 0 || !(object || secret)) return;
      // A secret passed into a parameter named for it (`api_key`) is what the parameter is for.
      if (
        secretPhrase(analyzeText(param.name.replaceAll('_', ' ')).tokens, 0) > 0 ||
        secretPhrase([token], 0) > 0
      ) {
        return;
      }
      const suspicious = nameSignal(param.name) !== undefined;
      const strong = suspicious || secret;
      const first = tokens[verb];
      if (first === undefined) return;
      hits.push({
        ruleId: 'param-smuggling',
        weight: strong ? 20 : 8,
        message: `the description tells the model to put ${secret ? 'secrets or the conversation' : 'content'} into parameter "${param.name}"`,
        pointer: s.pointer,
        span: {
          start: s.text.folded.starts[first.start] ?? 0,
          end: s.text.folded.ends[token.end - 1] ?? 0,
        },
        ...(strong ? { facet: 'sink' as const } : {}),
      });
    });
  }
  return hits;
}

/** Whether a pointer lies inside a parameter (a tool's properties or a prompt's arguments). */
function isUnderParam(pointer: string): boolean {
  return pointer.startsWith('/inputSchema/properties/') || pointer.startsWith('/arguments/');
}

function mentionedIn(description: JsonValue | undefined, name: string): boolean {
  if (typeof description !== 'string') return false;
  return foldText(description).text.includes(foldText(name).text);
}

/** The `exfil-parameter` family over a tool's input schema or a prompt's arguments. */
export const exfilParameter: DefinitionRule = (input) => {
  const params = paramsOf(input.kind, input.definition);
  if (params.length === 0) return [];
  const hits: RuleHit[] = [];
  const description = input.definition['description'];
  for (const param of params) {
    const signal = nameSignal(param.name);
    if (signal !== undefined) {
      hits.push({
        ruleId: 'exfil-param-name',
        weight: signal.weight,
        message: `parameter "${param.name}" is ${signal.label}`,
        pointer: param.namePointer,
        span: { start: 0, end: param.name.length },
        ...(signal.weight >= 8 ? { facet: 'sink' as const } : {}),
      });
      if (param.required && !mentionedIn(description, param.name)) {
        hits.push({
          ruleId: 'hidden-required-param',
          weight: 16,
          message: `parameter "${param.name}" is required but the description never mentions it`,
          pointer: param.namePointer,
          span: { start: 0, end: param.name.length },
          facet: 'sink',
        });
      }
    }
  }
  const paramProse = input.strings.filter((s) => s.role === 'prose' && isUnderParam(s.pointer));
  const described = phraseHits(DESCRIPTIONS, paramProse);
  hits.push(...described, ...smugglingHits(input, params));
  if (described.some((h) => h.message.includes('environment'))) {
    hits.push(...phraseHits(ENV_SECRET, paramProse));
  }
  return hits;
};
