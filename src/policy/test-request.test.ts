import { describe, expect, it } from 'vitest';

import { toPolicyTestRequest } from './test-request.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('toPolicyTestRequest', () => {
  it('tests a tool call with its arguments and definition digest', () => {
    expect(
      toPolicyTestRequest({ server: 'notes', tool: 'search', args: { q: 1 }, definition: DIGEST }),
    ).toEqual({
      server: 'notes',
      method: 'tools/call',
      name: 'search',
      args: { q: 1 },
      definitionDigest: DIGEST,
    });
  });

  it('tests a prompt with prompts/get', () => {
    expect(toPolicyTestRequest({ server: 'notes', prompt: 'summary', args: {} })).toMatchObject({
      method: 'prompts/get',
      name: 'summary',
      definitionDigest: null,
    });
  });

  it('tests a resource read with the URI as its only argument', () => {
    expect(
      toPolicyTestRequest({ server: 'notes', resource: 'file:///x', args: { ignored: true } }),
    ).toMatchObject({ method: 'resources/read', name: 'file:///x', args: { uri: 'file:///x' } });
  });

  it('tests any other method as given, tools/call by default', () => {
    expect(
      toPolicyTestRequest({ server: 'notes', method: 'sampling/createMessage', args: [] }),
    ).toMatchObject({ method: 'sampling/createMessage', name: undefined, args: [] });
    expect(toPolicyTestRequest({ server: 'notes', args: null })).toMatchObject({
      method: 'tools/call',
    });
  });
});
