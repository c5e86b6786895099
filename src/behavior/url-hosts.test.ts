import { describe, expect, it } from 'vitest';

import { findUrlHosts } from './url-hosts.js';

function hosts(text: string): string[] {
  return findUrlHosts(text, 100).hosts;
}

describe('findUrlHosts', () => {
  it.each([
    ['a plain link', 'go to https://docs.example/a?b=c#d now', ['docs.example']],
    [
      'any case, trailing dot, port and userinfo',
      'HTTP://user:pw@Docs.Example.:8080/x',
      ['docs.example'],
    ],
    [
      'a markdown link and image',
      '[a](https://a.example) ![b](http://b.example/x.png)',
      ['a.example', 'b.example'],
    ],
    [
      'backslashes and no slashes',
      'https:\\\\evil.example\\x and http:other.example',
      ['evil.example', 'other.example'],
    ],
    [
      'ws, wss and ftp',
      'ws://w.example wss://s.example ftp://f.example',
      ['w.example', 's.example', 'f.example'],
    ],
    [
      'numeric and IPv6 addresses',
      'http://0xA9FEA9FE/ and http://[::1]:80/',
      ['169.254.169.254', '::1'],
    ],
    ['fullwidth names folded', 'https://ｅｖｉｌ.example/', ['evil.example']],
    [
      'a comma or semicolon after the host',
      'https://a.example, https://b.example;',
      ['a.example', 'b.example'],
    ],
    ['a bracket after the host', '[https://a.example]', ['a.example']],
    ['each host once', 'https://a.example/1 https://a.example/2', ['a.example']],
  ])('reads %s', (_name, text, expected) => {
    expect(hosts(text)).toEqual(expected);
  });

  it.each([
    ['bare names and file names', 'see docs.example or report.zip'],
    ['other schemes', 'file:///etc/passwd mailto:a@b.example s3://bucket/key'],
    ['schemes inside words', 'xhttps://evil.example'],
    ['protocol-relative URLs', '//evil.example/x'],
    ['an empty authority', 'https:// nothing'],
    ['colons in prose', 'Note: time 12:30, ratio 1:2'],
  ])('ignores %s', (_name, text) => {
    expect(hosts(text)).toEqual([]);
  });

  it('says when more distinct hosts appear than allowed', () => {
    const text = Array.from({ length: 5 }, (_, i) => `https://h${i}.example/`).join(' ');
    expect(findUrlHosts(text, 3)).toEqual({
      hosts: ['h0.example', 'h1.example', 'h2.example'],
      isFull: true,
    });
  });

  it('stays linear on long runs of colons and slashes', () => {
    const text = `${'http:'.repeat(50_000)}${'/'.repeat(100_000)}`;
    const started = performance.now();
    findUrlHosts(text, 100);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
