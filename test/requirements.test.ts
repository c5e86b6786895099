import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REQUIREMENTS } from './requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const USES = [...testFiles(join(ROOT, 'src')), ...testFiles(join(ROOT, 'test'))].flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/verifies\(\s*'([a-z0-9:-]+)'/g)].map((m) => ({
    id: m[1] ?? '',
    file: relative(ROOT, file),
  })),
);

describe('security requirements', () => {
  it.each(Object.keys(REQUIREMENTS))('%s is proven by at least one test', (id) => {
    expect(USES.some((use) => use.id === id)).toBe(true);
  });

  it('names only known requirements', () => {
    expect(USES.filter((use) => !Object.hasOwn(REQUIREMENTS, use.id))).toEqual([]);
  });
});
