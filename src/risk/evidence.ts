/**
 * Evidence shown with a finding: the span's text made visible (surface/visible.ts `toVisible`) and
 * cut to {@link MAX_EVIDENCE} characters, never more of the server's text than that.
 */

import { toVisible } from '../surface/visible.js';

/** Longest evidence string. */
export const MAX_EVIDENCE = 160;

/** Cuts `text` to at most `max` UTF-16 units, ending with `…` when cut (never inside a pair). */
export function truncate(text: string, max = MAX_EVIDENCE): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** The visible, truncated evidence for `[start, end)` of `text`. */
export function evidenceOf(text: string, start: number, end: number): string {
  if (end <= start) return '';
  // Make visible a bounded window only: the evidence never needs more than a few hundred units.
  const slice = text.slice(start, Math.min(end, start + MAX_EVIDENCE * 4));
  return truncate(toVisible(slice));
}
