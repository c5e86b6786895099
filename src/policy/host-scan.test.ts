import { describe, expect, it } from 'vitest';

import type { JsonValue } from '../surface/types.js';
import { findHosts } from './host-scan.js';
import { percentDecode } from './scan-text.js';

const LIMITS = { maxScanChars: 1_000_000, maxHosts: 1_000 };

function hosts(args: JsonValue): string[] {
  const scan = findHosts(args, LIMITS);
  if (scan.kind !== 'hosts') throw new Error('unexpected too-large');
  return scan.hosts.map((h) => h.host);
}

describe('findHosts', () => {
  describe('in URLs', () => {
    it.each([
      ['https://evil.example/x', ['evil.example']],
      ['HTTP://EVIL.Example:8080/x', ['evil.example']],
      ['http://notes.example@evil.example/', ['evil.example', 'notes.example']],
      ['http://user:pw@evil.example/', ['evil.example']],
      ['http://a@b@evil.example/', ['evil.example']],
      ['http://evil.example\\@good.example/', ['evil.example', 'good.example']],
      ['http://[::ffff:169.254.169.254]/', ['169.254.169.254']],
      ['http://[2001:db8::1]:443/', ['2001:db8::1']],
      ['http://2852039166/', ['169.254.169.254']],
      ['http://0xA9FEA9FE/latest', ['169.254.169.254']],
      ['http://0251.0376.0251.0376/', ['169.254.169.254']],
      ['http://127.1/', ['127.0.0.1']],
      ['//evil.example/x', ['evil.example']],
      ['\\\\evil.example\\share', ['evil.example']],
      ['http:///evil.example', ['evil.example']],
      ['http:evil.example', ['evil.example']],
      ['http:2852039166', ['169.254.169.254']],
      ['ftp://files.example', ['files.example']],
      ['gopher://metadata/', ['metadata']],
      ['http://metadata/computeMetadata', ['metadata']],
      ['http://evil.example./', ['evil.example']],
      ['"url":"http://evil.example"', ['evil.example']],
      ['http:\\/\\/evil.example', ['evil.example']],
      ['file:///etc/passwd', []],
      ['file://server.example/share', ['server.example']],
      ['///evil.example/x', ['evil.example']],
      ['news:comp.lang', ['comp.lang']],
      ['git+http:evil.example', ['evil.example']],
      ['x.http:2852039166 x-http:2852039166 x9http:2852039166', ['x.http']],
      ['http://@/ http://:80/', []],
      ['http://[::1/', ['::1']],
      ['http://./ and http://.../', []],
    ])('finds the host in %j', (input, expected) => {
      expect(hosts(input)).toEqual(expected);
    });
  });

  describe('when the host is encoded or disguised', () => {
    it.each([
      ['http%3A%2F%2Fevil.example%2F', ['evil.example']],
      ['http://evil%2Eexample/', ['evil.example']],
      ['http%253A%252F%252Fevil%252eexample', ['evil.example']],
      ['http://ｅｖｉｌ。exfil。example/', ['evil.exfil.example']],
      ['ｅｖｉｌ．exfil．example', ['evil.exfil.example']],
      ['ev\u00adil.exfil.example', ['evil.exfil.example']],
      ['http://bücher.example/', ['xn--bcher-kva.example']],
      ['\u200bevil.exfil.example', ['evil.exfil.example']],
      ['evil.exfil.example\ufffdx', ['evil.exfil.example']],
    ])('finds it in %j', (input, expected) => {
      expect(hosts(input)).toEqual(expected);
    });

    it('stops decoding after two rounds', () => {
      expect(hosts('http%25253A%25252F%25252Fevil%2525252eexample')).toEqual([]);
    });
  });

  describe('in bare text', () => {
    it.each([
      ['evil.exfil.example/path', ['evil.exfil.example']],
      ['send to evil.example.', ['evil.example']],
      ['169.254.169.254:80', ['169.254.169.254']],
      ['0xa9.0xfe.0xa9.0xfe', ['169.254.169.254']],
      ['mail bob@evil.example', ['evil.example']],
      ['notes.example.com.evil', ['notes.example.com.evil']],
      ['http://good.example/?next=evil.example', ['good.example', 'evil.example']],
      ['[::1] and ::ffff:10.0.0.1 and fe80::1', ['10.0.0.1', '::1', 'fe80::1']],
      ['1:2:3:4:5:6:7:8', ['1:2:3:4:5:6:7:8']],
      ['report.zip', ['report.zip']],
      ['..evil.example..', ['evil.example']],
    ])('finds %j', (input, expected) => {
      expect(hosts(input)).toEqual(expected);
    });

    it.each([
      'no hosts here',
      '2852039166',
      '0xA9FEA9FE',
      'pi is 3.14 and version 1.2.3',
      'e.g. i.e.',
      'a..b.example',
      'v1.2',
      'foo.123',
      'std::vector and ns::x',
      'meet at 10:30:00',
      ':: alone',
      '999.1.1.1',
      'café',
    ])('finds nothing in %j', (input) => {
      expect(hosts(input)).toEqual([]);
    });
  });

  it('walks nested objects and arrays, member names included', () => {
    const args: JsonValue = {
      a: [{ b: { c: 'see http://one.example' } }, 'two.example'],
      'three.example': null,
      n: 2852039166,
      t: true,
    };
    expect(hosts(args).sort()).toEqual(['one.example', 'three.example', 'two.example']);
  });

  it('reports each host once', () => {
    expect(hosts(['evil.example', 'http://evil.example/', 'EVIL.EXAMPLE'])).toEqual([
      'evil.example',
    ]);
  });

  describe('when the arguments exceed the scan budget', () => {
    it('reports too-large on characters', () => {
      expect(findHosts('x'.repeat(101), { maxScanChars: 100, maxHosts: 10 })).toEqual({
        kind: 'too-large',
      });
      expect(findHosts('%41'.repeat(30), { maxScanChars: 100, maxHosts: 10 })).toEqual({
        kind: 'too-large',
      });
    });

    it('reports too-large on hosts', () => {
      const many = Array.from({ length: 11 }, (_, i) => `h${i}.example`).join(' ');
      expect(findHosts(many, { maxScanChars: 1000, maxHosts: 10 })).toEqual({ kind: 'too-large' });
    });
  });

  it('scans hostile input in linear time', () => {
    const inputs = [
      `${'.'.repeat(200_000)}a`,
      'http:'.repeat(50_000),
      '//'.repeat(100_000),
      `${'a.'.repeat(100_000)}example`,
      ':'.repeat(200_000),
      '%'.repeat(200_000),
      '%41'.repeat(70_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      findHosts(input, { maxScanChars: 4_000_000, maxHosts: 10_000 });
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('percentDecode', () => {
  it.each([
    ['a%2eb', 'a.b'],
    ['%E2%82%AC', '€'],
    ['%zz%4', '%zz%4'],
    ['100%', '100%'],
    ['%c0%ae', '\ufffd\ufffd'],
    ['%%41', '%A'],
    ['no escapes', 'no escapes'],
  ])('decodes %j as %j', (input, expected) => {
    expect(percentDecode(input)).toBe(expected);
  });
});
