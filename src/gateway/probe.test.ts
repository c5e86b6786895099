import { describe, expect, it } from 'vitest';

import { SurfaceError } from '../shared/errors.js';
import { DEFAULT_SURFACE_LIMITS } from '../surface/snapshot.js';
import type { JsonObject } from '../surface/types.js';
import { fetchSection, type UpstreamRequest } from './probe.js';

interface Call {
  method: string;
  params: JsonObject;
}

/** A fake upstream that answers each request with the next page and records what it was asked. */
function fakeRequest(pages: readonly JsonObject[]): { request: UpstreamRequest; calls: Call[] } {
  const calls: Call[] = [];
  const request: UpstreamRequest = (method, params) => {
    calls.push({ method, params });
    const page = pages[calls.length - 1];
    if (page === undefined) return Promise.reject(new Error('no more pages'));
    return Promise.resolve(page);
  };
  return { request, calls };
}

async function expectSurfaceRejection(
  promise: Promise<unknown>,
  code: SurfaceError['code'],
): Promise<SurfaceError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SurfaceError);
  expect((error as SurfaceError).code).toBe(code);
  return error as SurfaceError;
}

describe('fetchSection', () => {
  it('asks once with empty params when the first page has no nextCursor', async () => {
    const { request, calls } = fakeRequest([{ tools: [{ name: 'a' }] }]);
    const items = await fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS);
    expect(items).toEqual({ a: { name: 'a' } });
    expect(calls).toEqual([{ method: 'tools/list', params: {} }]);
  });

  it('follows nextCursor over every page, passing exactly { cursor }', async () => {
    const { request, calls } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor: 'c1' },
      { tools: [{ name: 'b' }], nextCursor: 'c2' },
      { tools: [{ name: 'c' }] },
    ]);
    const items = await fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS);
    expect(Object.keys(items)).toEqual(['a', 'b', 'c']);
    expect(calls).toStrictEqual([
      { method: 'tools/list', params: {} },
      { method: 'tools/list', params: { cursor: 'c1' } },
      { method: 'tools/list', params: { cursor: 'c2' } },
    ]);
  });

  it.each([
    ['prompts', 'prompts/list'],
    ['resources', 'resources/list'],
    ['resourceTemplates', 'resources/templates/list'],
  ] as const)('lists %s with %s', async (section, method) => {
    const { request, calls } = fakeRequest([{ [section]: [] }]);
    await expect(fetchSection(request, section, DEFAULT_SURFACE_LIMITS)).resolves.toEqual({});
    expect(calls).toEqual([{ method, params: {} }]);
  });

  it.each([
    ['an empty string', ''],
    ['null', null],
  ])('ends the list when nextCursor is %s', async (_label, nextCursor) => {
    const { request, calls } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor },
      { tools: [{ name: 'never' }] },
    ]);
    const items = await fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS);
    expect(Object.keys(items)).toEqual(['a']);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['a number', 2],
    ['an object', { page: 2 }],
    ['a boolean', true],
  ])('rejects a nextCursor that is %s as malformed', async (_label, nextCursor) => {
    const { request, calls } = fakeRequest([{ tools: [], nextCursor }]);
    await expectSurfaceRejection(
      fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS),
      'SURFACE_MALFORMED',
    );
    expect(calls).toHaveLength(1);
  });

  it('refuses a cursor that comes back to an earlier one', async () => {
    const { request, calls } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor: 'x' },
      { tools: [{ name: 'b' }], nextCursor: 'y' },
      { tools: [{ name: 'c' }], nextCursor: 'x' },
    ]);
    const error = await expectSurfaceRejection(
      fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS),
      'SURFACE_CURSOR_LOOP',
    );
    expect(error.details).toEqual({ section: 'tools' });
    expect(calls).toHaveLength(3);
  });

  it('refuses a page that names its own cursor again', async () => {
    const { request } = fakeRequest([
      { tools: [], nextCursor: 'same' },
      { tools: [], nextCursor: 'same' },
    ]);
    await expectSurfaceRejection(
      fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS),
      'SURFACE_CURSOR_LOOP',
    );
  });

  it('accepts exactly maxPages pages', async () => {
    const { request, calls } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor: '1' },
      { tools: [{ name: 'b' }], nextCursor: '2' },
      { tools: [{ name: 'c' }] },
    ]);
    const items = await fetchSection(request, 'tools', { ...DEFAULT_SURFACE_LIMITS, maxPages: 3 });
    expect(Object.keys(items)).toEqual(['a', 'b', 'c']);
    expect(calls).toHaveLength(3);
  });

  it('refuses more than maxPages pages without asking for the extra one', async () => {
    const { request, calls } = fakeRequest([
      { tools: [], nextCursor: '1' },
      { tools: [], nextCursor: '2' },
      { tools: [], nextCursor: '3' },
      { tools: [] },
    ]);
    const error = await expectSurfaceRejection(
      fetchSection(request, 'tools', { ...DEFAULT_SURFACE_LIMITS, maxPages: 3 }),
      'SURFACE_TOO_LARGE',
    );
    expect(error.details).toEqual({ section: 'tools', maxPages: 3 });
    expect(calls).toHaveLength(3);
  });

  it('applies the item limit over all fetched pages', async () => {
    const { request } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor: '1' },
      { tools: [{ name: 'b' }] },
    ]);
    await expectSurfaceRejection(
      fetchSection(request, 'tools', { ...DEFAULT_SURFACE_LIMITS, maxItems: 1 }),
      'SURFACE_TOO_LARGE',
    );
  });

  it('rejects a key repeated across pages', async () => {
    const { request } = fakeRequest([
      { tools: [{ name: 'a' }], nextCursor: '1' },
      { tools: [{ name: 'a' }] },
    ]);
    await expectSurfaceRejection(
      fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS),
      'SURFACE_MALFORMED',
    );
  });

  it('passes a request failure through unchanged', async () => {
    const failure = new Error('upstream closed');
    const request: UpstreamRequest = () => Promise.reject(failure);
    await expect(fetchSection(request, 'tools', DEFAULT_SURFACE_LIMITS)).rejects.toBe(failure);
  });
});
