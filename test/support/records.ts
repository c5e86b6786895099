import type { PinEvent, PinEventKind, ServerRecord } from '../../src/pinning/types.js';
import type { Digest, Surface, SurfaceDigests } from '../../src/surface/types.js';

/** A fixed instant (2026-01-01T00:00:00Z) so records compare equal across runs. */
export const SAMPLE_TIME = 1_767_225_600_000;

/** A fake digest made of one repeated hex digit: stands in for a real one in storage tests. */
export function sampleDigest(hexDigit: string): Digest {
  return `sha256:${hexDigit.repeat(64)}`;
}

/** A small surface with one tool, with nested values so copies can be proved deep. */
export function sampleSurface(): Surface {
  return {
    server: { serverInfo: { name: 'files', version: '1.0.0' }, capabilities: { tools: {} } },
    launch: { command: 'npx', args: ['-y', 'server-files'], env: ['HOME'] },
    tools: {
      read_file: {
        name: 'read_file',
        description: 'Read a file.',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
      },
    },
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
}

/** Digests matching the shape of {@link sampleSurface}. */
export function sampleDigests(): SurfaceDigests {
  return {
    surface: sampleDigest('a'),
    server: sampleDigest('b'),
    launch: sampleDigest('c'),
    tools: { read_file: sampleDigest('d') },
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
}

/** A verified record with a baseline and an observation; `overrides` replace top-level fields. */
export function sampleRecord(name: string, overrides: Partial<ServerRecord> = {}): ServerRecord {
  return {
    name,
    status: 'verified',
    revision: 0,
    baseline: {
      surface: sampleSurface(),
      digests: sampleDigests(),
      profiles: {
        [sampleDigest('e')]: {
          tools: ['read_file'],
          prompts: [],
          resources: [],
          resourceTemplates: [],
        },
      },
      approvedAt: SAMPLE_TIME,
      approvedBy: 'tofu',
    },
    observed: {
      surface: sampleSurface(),
      digests: sampleDigests(),
      profile: sampleDigest('e'),
      observedAt: SAMPLE_TIME,
    },
    reason: 'matches the approved baseline',
    updatedAt: SAMPLE_TIME,
    ...overrides,
  };
}

/** A pinning event for `server`. */
export function sampleEvent(
  server: string,
  kind: PinEventKind = 'probe',
  data: PinEvent['data'] = { digest: sampleDigest('a'), ok: true },
  at: number = SAMPLE_TIME,
): PinEvent {
  return { at, server, kind, data };
}
