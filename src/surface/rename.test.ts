import { describe, expect, it } from 'vitest';

import { findRenames } from './rename.js';
import type { JsonObject } from './types.js';

const DESCRIPTION = 'Send an email message to a recipient with a subject and body.';
const SCHEMA: JsonObject = {
  type: 'object',
  properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } },
};

function tool(name: string, extra: JsonObject = {}): JsonObject {
  return { name, description: DESCRIPTION, inputSchema: SCHEMA, ...extra };
}

function records(items: readonly JsonObject[], key = 'name'): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const item of items) {
    const value = item[key];
    if (typeof value !== 'string') throw new TypeError(`test item lacks a string ${key}`);
    out[value] = item;
  }
  return out;
}

describe('when there is nothing to pair', () => {
  it('returns no pairs when nothing was removed or nothing was added', () => {
    const before = records([tool('send_email')]);
    const after = records([tool('send_mail')]);
    expect(findRenames('tools', [], ['send_mail'], before, after)).toEqual([]);
    expect(findRenames('tools', ['send_email'], [], before, after)).toEqual([]);
  });

  it('skips pairing when removed × added exceeds the pair budget', () => {
    const removed = Array.from({ length: 101 }, (_, i) => `old_${i}`);
    const added = Array.from({ length: 100 }, (_, i) => `new_${i}`);
    const before = records(removed.map((name) => tool(name)));
    const after = records(added.map((name) => tool(name)));
    expect(findRenames('tools', removed, added, before, after)).toEqual([]);
  });

  it('still pairs at exactly the pair budget', () => {
    const removed = Array.from({ length: 100 }, (_, i) => `old_${i}`);
    const added = Array.from({ length: 100 }, (_, i) => `new_${i}`);
    const before = records(removed.map((name) => tool(name)));
    const after = records(added.map((name) => tool(name)));
    expect(findRenames('tools', removed, added, before, after)).toHaveLength(100);
  });
});

describe('when a tool is renamed', () => {
  it('pairs a look-alike with the same description and parameters (send_email → send_mail)', () => {
    expect(
      findRenames(
        'tools',
        ['send_email'],
        ['send_mail'],
        records([tool('send_email')]),
        records([tool('send_mail')]),
      ),
    ).toEqual([{ from: 'send_email', to: 'send_mail' }]);
  });

  it('pairs the best match first and uses each item once', () => {
    const before = records([tool('send_email')]);
    const after = records([
      tool('send_mail'),
      tool('mail_sender', { description: 'Send an email message to a recipient.' }),
    ]);
    expect(
      findRenames('tools', ['send_email'], ['mail_sender', 'send_mail'], before, after),
    ).toEqual([{ from: 'send_email', to: 'send_mail' }]);
  });

  it('does not pair tools with unrelated descriptions and parameters', () => {
    const before = records([tool('send_email')]);
    const after = records([
      {
        name: 'delete_repo',
        description: 'Permanently deletes a repository.',
        inputSchema: { type: 'object', properties: { repo: { type: 'string' } } },
      },
    ]);
    expect(findRenames('tools', ['send_email'], ['delete_repo'], before, after)).toEqual([]);
  });

  it('never pairs items without descriptions, however alike their names', () => {
    const before = records([{ name: 'send_email' }]);
    const after = records([{ name: 'send_emails' }]);
    expect(findRenames('tools', ['send_email'], ['send_emails'], before, after)).toEqual([]);
  });

  it('treats a description without letters or digits as having no words', () => {
    const before = records([tool('send_email', { description: '!!! ...' })]);
    const after = records([tool('send_mail', { description: '!!! ...' })]);
    expect(findRenames('tools', ['send_email'], ['send_mail'], before, after)).toEqual([]);
  });

  it('ignores description words after the first 10 000 characters', () => {
    const filler = 'x '.repeat(5_000);
    const before = records([tool('a', { description: `${filler}alpha beta gamma` })]);
    const after = records([tool('b', { description: `${filler}delta epsilon zeta` })]);
    expect(findRenames('tools', ['a'], ['b'], before, after)).toEqual([{ from: 'a', to: 'b' }]);
  });

  it.each<[string, JsonObject]>([
    ['an inputSchema that is not an object', { inputSchema: 'object' }],
    ['properties that are not an object', { inputSchema: { type: 'object', properties: [] } }],
    ['no inputSchema', { inputSchema: {} }],
  ])('treats a tool with %s as having no parameters', (_label, extra) => {
    // Same description (0.5) and both without parameters (shape 1 → 0.3): a rename.
    const before = records([tool('alpha', extra)]);
    const after = records([tool('omega', extra)]);
    expect(findRenames('tools', ['alpha'], ['omega'], before, after)).toEqual([
      { from: 'alpha', to: 'omega' },
    ]);
    // Against a tool with parameters the shape scores 0, and unrelated names do not make it up.
    const withParams = records([tool('omega')]);
    expect(findRenames('tools', ['alpha'], ['omega'], before, withParams)).toEqual([]);
  });

  it('compares only the first 64 characters of names', () => {
    const prefix = 'x'.repeat(64);
    const from = `${prefix}_old`;
    const to = `${prefix}_new_and_much_longer_than_the_old_one_was`;
    const before = records([
      tool(from, { description: 'Alpha beta gamma delta.', inputSchema: {} }),
    ]);
    const after = records([tool(to, { description: 'Alpha epsilon zeta eta.', inputSchema: {} })]);
    // Description 0.5 × 0.25 + shape 0.3 + identical cut names 0.2 = 0.625; the whole names
    // would score well below 1 and leave the pair under the 0.6 threshold.
    expect(findRenames('tools', [from], [to], before, after)).toEqual([{ from, to }]);
  });

  it('treats two empty names as the same name', () => {
    const item = { name: '', description: 'Alpha beta gamma delta.' };
    const other = { name: '', description: 'Alpha beta other words.' };
    expect(findRenames('tools', [''], [''], { '': item }, { '': other })).toEqual([
      { from: '', to: '' },
    ]);
  });

  it('treats a key missing from its record as an empty item', () => {
    expect(findRenames('tools', ['ghost'], ['spirit'], {}, {})).toEqual([]);
  });
});

describe('when several candidates score the same', () => {
  it('breaks ties by removed name, then added name, so the result is deterministic', () => {
    const before = records([tool('pq'), tool('ab')]);
    const after = records([tool('yz'), tool('kl')]);
    // Every pair scores 0.8 (same description and parameters, names share no letters).
    expect(findRenames('tools', ['pq', 'ab'], ['yz', 'kl'], before, after)).toEqual([
      { from: 'ab', to: 'kl' },
      { from: 'pq', to: 'yz' },
    ]);
    expect(findRenames('tools', ['ab', 'pq'], ['kl', 'yz'], before, after)).toEqual([
      { from: 'ab', to: 'kl' },
      { from: 'pq', to: 'yz' },
    ]);
  });
});

describe('when prompts are renamed', () => {
  const prompt = (name: string, args: JsonObject['arguments']): JsonObject => ({
    name,
    description: 'Review the given code for bugs.',
    arguments: args ?? null,
  });

  it('pairs prompts by their argument names', () => {
    const before = records([prompt('review', [{ name: 'code' }, { name: 'style' }])]);
    const after = records([prompt('code_review', [{ name: 'code' }, { name: 'style' }])]);
    expect(findRenames('prompts', ['review'], ['code_review'], before, after)).toEqual([
      { from: 'review', to: 'code_review' },
    ]);
  });

  it('ignores arguments that are not objects or have no string name', () => {
    const before = records([prompt('p1', ['code', { name: 3 }, { title: 'x' }])]);
    const after = records([prompt('p2', [])]);
    // Neither has usable argument names, so shapes match (1) and descriptions match: a rename.
    expect(findRenames('prompts', ['p1'], ['p2'], before, after)).toEqual([
      { from: 'p1', to: 'p2' },
    ]);
  });

  it('treats arguments that are not an array as no arguments', () => {
    const before = records([prompt('aa', { code: {} })]);
    const after = records([prompt('bb', [{ name: 'code' }])]);
    // Shape 0 against a prompt with an argument: 0.5 + 0 + 0 is below the threshold.
    expect(findRenames('prompts', ['aa'], ['bb'], before, after)).toEqual([]);
    const bare = records([prompt('bb', 'none')]);
    expect(findRenames('prompts', ['aa'], ['bb'], before, bare)).toEqual([
      { from: 'aa', to: 'bb' },
    ]);
  });
});

describe('when resources are renamed', () => {
  const resource = (uri: string, extra: JsonObject = {}): JsonObject => ({
    uri,
    description: 'The application log file.',
    ...extra,
  });

  it('pairs resources by name and MIME type', () => {
    const before = records(
      [resource('file:///a.log', { name: 'log', mimeType: 'text/plain' })],
      'uri',
    );
    const after = records(
      [resource('file:///b.log', { name: 'log', mimeType: 'text/plain' })],
      'uri',
    );
    expect(findRenames('resources', ['file:///a.log'], ['file:///b.log'], before, after)).toEqual([
      { from: 'file:///a.log', to: 'file:///b.log' },
    ]);
  });

  it('does not pair when name and MIME type differ', () => {
    const before = records(
      [resource('file:///a.log', { name: 'log', mimeType: 'text/plain' })],
      'uri',
    );
    const after = records([resource('http://x/', { name: 'page', mimeType: 'text/html' })], 'uri');
    expect(findRenames('resources', ['file:///a.log'], ['http://x/'], before, after)).toEqual([]);
  });

  it('ignores a name or MIME type that is not a string', () => {
    const before = records([resource('file:///a', { name: 1, mimeType: null })], 'uri');
    const after = records([resource('file:///b')], 'uri');
    expect(findRenames('resources', ['file:///a'], ['file:///b'], before, after)).toEqual([
      { from: 'file:///a', to: 'file:///b' },
    ]);
  });

  it('pairs resource templates by the same facts', () => {
    const before = records(
      [{ uriTemplate: 'file:///{a}', description: 'Files by path.', mimeType: 'text/plain' }],
      'uriTemplate',
    );
    const after = records(
      [{ uriTemplate: 'file:///{b}', description: 'Files by path.', mimeType: 'text/plain' }],
      'uriTemplate',
    );
    expect(
      findRenames('resourceTemplates', ['file:///{a}'], ['file:///{b}'], before, after),
    ).toEqual([{ from: 'file:///{a}', to: 'file:///{b}' }]);
  });
});
