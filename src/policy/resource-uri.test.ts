import { describe, expect, it } from 'vitest';

import { toResourceKey } from './resource-uri.js';

describe('toResourceKey', () => {
  it.each([
    ['file:///public/a.txt', 'file:///public/a.txt'],
    ['file:///public/../etc/passwd', 'file:///etc/passwd'],
    ['file:///public/%2e%2e/etc/passwd', 'file:///etc/passwd'],
    ['file:///public/%2E%2E%2Fetc/passwd', 'file:///etc/passwd'],
    ['file:///public/%252e%252e/etc/passwd', 'file:///etc/passwd'],
    ['file:///public/..%5cetc/passwd', 'file:///etc/passwd'],
    ['file:///my%20docs/a', 'file:///my docs/a'],
    ['HTTPS://Notes.Example/a/./b', 'https://notes.example/a/b'],
    ['notes://x/a/../b', 'notes://x/b'],
    ['not a uri/../x', 'not a uri/../x'],
    ['', ''],
  ])('normalises %j to %j', (uri, key) => {
    expect(toResourceKey(uri)).toBe(key);
  });
});
