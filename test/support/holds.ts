/** Holds for approval-queue tests: fixed, well-formed, at {@link SAMPLE_TIME}. */
import type { Hold } from '../../src/store/index.js';
import { SAMPLE_TIME, sampleDigest } from './records.js';

/** How long sample holds live: one minute. */
export const SAMPLE_TTL_MS = 60_000;

/** What the gateway knows when it holds the sample call (a HoldInput). */
export const SAMPLE_HOLD_INPUT = {
  server: 'notes',
  method: 'tools/call',
  name: 'send_note',
  principal: 'stdio:ses_sample',
  definitionDigest: sampleDigest('d'),
  argsDigest: sampleDigest('f'),
  ruleId: 'notes-review-sends',
  reason: 'sending notes needs a human',
} as const;

/** A pending hold on `notes`/`send_note`; `overrides` replace top-level fields. */
export function sampleHold(overrides: Partial<Hold> = {}): Hold {
  return {
    id: 'hold_AAAAAAAAAAAAAAAA',
    ...SAMPLE_HOLD_INPUT,
    createdAt: SAMPLE_TIME,
    expiresAt: SAMPLE_TIME + SAMPLE_TTL_MS,
    state: 'pending',
    resolvedBy: null,
    resolvedAt: null,
    ...overrides,
  };
}

/** A distinct, well-formed hold id ending in `n` (0-999). */
export function holdId(n: number): string {
  return `hold_sample${String(n).padStart(11, '0')}`;
}
