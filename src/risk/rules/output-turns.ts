/**
 * Rule `output-role-tag` (turn form): a tool result that fakes the next turn of the conversation.
 * A line starting `Human:` (the transcript format models are trained on) or `System message:` /
 * `System note:` is a forged turn; a line
 * starting `User:`, `Assistant:` or `System:` is one when the output has already closed a fake
 * block (a line ending `</function_results>`, `</document>`) or forged a `Human:` turn — a transcript quoted
 * in documentation does neither. One pass over the raw text's line starts; linear.
 */

import type { OutputHit } from './output-injection.js';

const ALWAYS = [
  'human:',
  'system message:',
  'system note:',
  'system notice:',
  'system instruction',
  'system prompt:',
  'system override',
  'system alert:',
];
const AFTER_CLOSE = ['user:', 'assistant:', 'system:', 'ai:'];

function isLineSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x2a || c === 0x23 || c === 0x3e;
}

function startsWithFolded(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(at + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether line `[from, to)` of `text` ends with a closing tag (`… </document>`). */
function isClosingTag(text: string, from: number, to: number): boolean {
  let end = to;
  while (end > from && text.charCodeAt(end - 1) <= 0x20) end--;
  if (text.charCodeAt(end - 1) !== 0x3e) return false;
  const open = text.lastIndexOf('</', end - 1);
  return open >= from && end - open > 3 && end - open < 48;
}

/** Forged conversation turns in a tool result (at most 8). */
export function turnHits(text: string): OutputHit[] {
  const hits: OutputHit[] = [];
  let closed = false;
  for (let line = 0; line < text.length && hits.length < 8;) {
    let next = text.indexOf('\n', line);
    if (next < 0) next = text.length;
    if (line === 0) {
      closed = isClosingTag(text, 0, next);
    } else {
      let i = line;
      while (i < next && isLineSpace(text.charCodeAt(i))) i++;
      const forged =
        ALWAYS.find((w) => startsWithFolded(text, i, w)) ??
        (closed ? AFTER_CLOSE.find((w) => startsWithFolded(text, i, w)) : undefined);
      if (forged !== undefined) {
        hits.push({
          ruleId: 'output-role-tag',
          weight: 30,
          message: `forged conversation turn "${forged}"`,
          start: i,
          end: i + forged.length,
        });
        closed = true;
      } else if (!closed && isClosingTag(text, line, next)) {
        closed = true;
      }
    }
    line = next + 1;
  }
  return hits;
}
