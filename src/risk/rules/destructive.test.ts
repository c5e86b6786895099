import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../../surface/types.js';
import { DEFAULT_RISK_SETTINGS, scanDefinition } from '../index.js';

const NO_CTX = { server: 's', otherTools: new Map<string, string[]>() };
const find = (name: string, description: string, annotations: JsonObject) =>
  scanDefinition('tool', name, { name, description, annotations }, NO_CTX, DEFAULT_RISK_SETTINGS)
    .findings;

describe('destructive rules', () => {
  it('notes a declared destructive tool with a low weight', () => {
    const f = find('delete_branch', 'Deletes a branch.', { destructiveHint: true });
    expect(f.map((x) => [x.ruleId, x.weight])).toEqual([['destructive-annotation', 3]]);
  });

  it('flags a read-only claim on a tool named for deleting', () => {
    const f = find('deleteFile', 'Deletes a file.', { readOnlyHint: true });
    expect(f.map((x) => x.ruleId)).toEqual(['misleading-annotation']);
    expect(f[0]?.pointer).toBe('/annotations/readOnlyHint');
  });

  it('flags a read-only claim on a tool described as deleting', () => {
    expect(
      find('cleanup', 'Deletes every file in the folder.', { readOnlyHint: true }).map((x) => [
        x.ruleId,
        x.weight,
      ]),
    ).toEqual([['misleading-annotation', 20]]);
  });

  it('notes a non-read-only tool described as destructive', () => {
    expect(
      find('cleanup', 'Removes stale caches.', { readOnlyHint: false }).map((x) => x.ruleId),
    ).toEqual(['destructive-annotation']);
  });

  it('says nothing about an honest read-only tool', () => {
    expect(find('list_deleted_items', 'Lists items in the bin.', { readOnlyHint: true })).toEqual(
      [],
    );
  });
});
