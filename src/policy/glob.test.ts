import { describe, expect, it } from 'vitest';

import { ConfigError } from '../shared/errors.js';
import { MAX_GLOB_LENGTH, parseGlob } from './glob.js';

function matches(pattern: string, input: string, flavor: 'name' | 'uri' = 'name'): boolean {
  return parseGlob(pattern, flavor).test(input);
}

describe('parseGlob', () => {
  describe('in the name flavour', () => {
    it.each([
      ['notes', 'notes', true],
      ['notes', 'notes2', false],
      ['*', '', true],
      ['*', 'a/b.c', true],
      ['**', 'anything/at/all', true],
      ['search*', 'search_all', true],
      ['search*', 'research', false],
      ['*_all', 'search_all', true],
      ['*_all', 'search_all2', false],
      ['*arch*', 'search_all', true],
      ['*arch*', 'seek', false],
      ['tools/*', 'tools/call', true],
      ['*.exfil.example', 'a.exfil.example', true],
      ['*.exfil.example', 'a.b.exfil.example', true],
      ['*.exfil.example', 'exfil.example', false],
      ['*.exfil.example', 'a.exfil.example.com', false],
      ['s?nd', 'send', true],
      ['s?nd', 'seend', false],
      ['[abc]x', 'bx', true],
      ['[abc]x', 'dx', false],
      ['[a-c]x', 'cx', true],
      ['[!a-c]x', 'cx', false],
      ['[^a-c]x', 'dx', true],
      ['[]]x', ']x', true],
      ['[a-]x', '-x', true],
      ['[\\]]', ']', true],
      ['[a-\\z]', 'q', true],
      ['{read,write}_file', 'write_file', true],
      ['{read,write}_file', 'delete_file', false],
      ['{a,{b,c}d}', 'cd', true],
      ['{,x}y', 'y', true],
      ['a\\*b', 'a*b', true],
      ['a\\*b', 'axb', false],
      ['*a*a*b', 'xaxaxb', true],
      ['a.b', 'axb', false],
      ['(x)+', '(x)+', true],
      ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}', 'bcfgjk', true],
      ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}', 'bcfgjm', false],
      ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}*[!x]?', 'acegikzzyq', true],
      ['{a*,b}', 'azz', true],
      ['{a,b}*', 'a', true],
      ['{a,b}**', 'b', true],
      ['{{a,b}{c,d}{e,f}{g,h}{i,j}{k,l},x}', 'x', true],
      ['{a*,b}', 'bz', false],
      ['a?c', 'abbc', false],
      ['a*?c', 'abbc', true],
    ])('%s against %s is %s', (pattern, input, expected) => {
      expect(matches(pattern, input)).toBe(expected);
    });
  });

  describe('in the uri flavour', () => {
    it.each([
      ['file:///etc/*', 'file:///etc/passwd', true],
      ['file:///etc/*', 'file:///etc/ssh/key', false],
      ['file:///etc/**', 'file:///etc/ssh/key', true],
      ['file:///etc/?', 'file:///etc/a', true],
      ['file:///etc?a', 'file:///etc/a', false],
      ['file:///[!x]', 'file:////', false],
      ['file:///[!x]', 'file:///y', true],
      ['notes://*', 'notes://x', true],
      ['*', 'a/b', false],
      ['notes://{a,b}/[xy]', 'notes://b/y', true],
      ['file:///[a-c]', 'file:///b', true],
      ['file:///[a-c]', 'file:///d', false],
      ['notes://{a,b}/[xy]', 'notes://c/y', false],
    ])('%s against %s is %s', (pattern, input, expected) => {
      expect(matches(pattern, input, 'uri')).toBe(expected);
    });
  });

  describe('when the pattern is malformed', () => {
    it.each([
      ['a[bc', "unmatched '['"],
      ['a{b,c', "unmatched '{'"],
      ['a}b', "unmatched '}'"],
      ['ab\\', 'trailing backslash'],
      ['[a\\', 'trailing backslash'],
      ['[a-\\', 'trailing backslash'],
      ['[z-a]', 'character range out of order'],
      ['{{{{{{{{{a}}}}}}}}}', 'braces nested too deeply'],
      ['x'.repeat(MAX_GLOB_LENGTH + 1), 'longer than'],
    ])('refuses %s (%s)', (pattern, message) => {
      expect(() => parseGlob(pattern, 'name')).toThrow(ConfigError);
      expect(() => parseGlob(pattern, 'name')).toThrow(message);
    });
  });

  describe('when the input is hostile', () => {
    it('matches many-star patterns in linear time', () => {
      const glob = parseGlob('*.*.*.*.*.exfil.example', 'name');
      const input = `${'.'.repeat(200_000)}x`;
      const started = performance.now();
      expect(glob.test(input)).toBe(false);
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });
});
