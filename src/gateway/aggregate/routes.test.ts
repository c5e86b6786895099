import { describe, expect, it } from 'vitest';

import { ResourceRoutes } from './routes.js';

function routes(): ResourceRoutes {
  const r = new ResourceRoutes();
  r.replace('resources', [
    { member: 'a', key: 'file:///a.txt' },
    { member: 'a', key: 'file:///both' },
    { member: 'b', key: 'file:///both' },
  ]);
  r.replace('resourceTemplates', [
    { member: 'b', key: 'file:///{path}' },
    { member: 'c', key: 'file:///deep/{path}' },
    { member: 'a', key: 'x://{k}' },
    { member: 'b', key: 'x://{j}' },
  ]);
  return r;
}

describe('ResourceRoutes', () => {
  it('routes a listed URI to its member before any template', () => {
    expect(routes().route('file:///a.txt')).toEqual({ kind: 'member', member: 'a' });
  });

  it('routes by the longest literal template prefix, and by the template string itself', () => {
    const r = routes();
    expect(r.route('file:///deep/x')).toEqual({ kind: 'member', member: 'c' });
    expect(r.route('file:///other')).toEqual({ kind: 'member', member: 'b' });
    expect(r.route('file:///deep/{path}')).toEqual({ kind: 'member', member: 'c' });
  });

  it('refuses to choose between two members', () => {
    const r = routes();
    expect(r.route('file:///both')).toEqual({ kind: 'ambiguous' });
    expect(r.route('x://1')).toEqual({ kind: 'ambiguous' });
    expect(r.route('mailto:someone')).toEqual({ kind: 'unknown' });
  });

  it('forgets a member that went away, which settles its ambiguities', () => {
    const r = routes();
    r.dropMember('b');
    expect(r.route('file:///both')).toEqual({ kind: 'member', member: 'a' });
    expect(r.route('file:///other')).toEqual({ kind: 'unknown' });
  });

  it('is stale until both sections are listed, and again after a change', () => {
    const r = new ResourceRoutes();
    expect(r.staleSections).toEqual(['resources', 'resourceTemplates']);
    r.replace('resources', []);
    expect(r.staleSections).toEqual(['resourceTemplates']);
    const listed = routes();
    listed.markStale();
    expect(listed.staleSections).toHaveLength(2);
    expect(listed.route('file:///a.txt')).toEqual({ kind: 'member', member: 'a' });
  });
});
