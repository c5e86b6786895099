import { describe, expect, it } from 'vitest';

import type { JsonObject } from '../../surface/types.js';
import { CursorBook, MAX_SNAPSHOTS } from './cursors.js';

const ITEMS: JsonObject[] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));

function names(items: JsonObject[]): unknown[] {
  return items.map((item) => item['name']);
}

describe('CursorBook', () => {
  it('serves a short list whole, with no cursor', () => {
    expect(new CursorBook(5).first('tools', ITEMS)).toEqual({ items: ITEMS });
  });

  it('pages a long list and hands out the same cursor for the same page', () => {
    const book = new CursorBook(2);
    const first = book.first('tools', ITEMS);
    expect(names(first.items)).toEqual(['a', 'b']);
    const cursor = first.nextCursor ?? '';
    const second = book.next('tools', cursor);
    expect(names(second?.items ?? [])).toEqual(['c', 'd']);
    expect(book.next('tools', cursor)?.nextCursor).toBe(second?.nextCursor);
    const last = book.next('tools', second?.nextCursor ?? '');
    expect(last).toEqual({ items: [{ name: 'e' }] });
  });

  it('binds a cursor to its section and forgets it when the section changes', () => {
    const book = new CursorBook(2);
    const tools = book.first('tools', ITEMS).nextCursor ?? '';
    const prompts = book.first('prompts', ITEMS).nextCursor ?? '';
    expect(book.next('prompts', tools)).toBeUndefined();
    book.invalidate('tools');
    expect(book.next('tools', tools)).toBeUndefined();
    expect(book.next('prompts', prompts)).toBeDefined();
  });

  it(`keeps only the newest ${String(MAX_SNAPSHOTS)} listings`, () => {
    const book = new CursorBook(2);
    const cursors = Array.from(
      { length: MAX_SNAPSHOTS + 1 },
      () => book.first('tools', ITEMS).nextCursor ?? '',
    );
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(book.next('tools', cursors[0] ?? '')).toBeUndefined();
    expect(book.next('tools', cursors[1] ?? '')).toBeDefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the page size %d', (size) => {
    expect(() => new CursorBook(size)).toThrow(/page size/);
  });
});
