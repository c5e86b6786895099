import { describe, expect, it } from 'vitest';

import { ConfigError } from '../shared/errors.js';
import type { JsonValue } from '../surface/types.js';
import type { CompiledEgress } from './egress.js';
import { checkEgress, compileEgress, isEgressEmpty, parseEgressEntry } from './egress.js';
import { DEFAULT_POLICY_LIMITS } from './limits.js';

function egress(deny: string[], allow: string[] = []): CompiledEgress {
  const issues: { path: string; message: string }[] = [];
  const compiled = compileEgress(deny, allow, issues);
  expect(issues).toEqual([]);
  return compiled;
}

const DENY = egress(['169.254.0.0/16', '*.exfil.example', 'fd00::/8', '10.0.0.1']);

function check(args: JsonValue, lists: CompiledEgress = DENY) {
  return checkEgress(lists, args, DEFAULT_POLICY_LIMITS);
}

describe('checkEgress', () => {
  describe('with a deny list', () => {
    it.each([
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254', '169.254.0.0/16'],
      ['http://2852039166/', '169.254.169.254', '169.254.0.0/16'],
      ['http://0xA9FEA9FE/', '169.254.169.254', '169.254.0.0/16'],
      ['http://[::ffff:169.254.169.254]/', '169.254.169.254', '169.254.0.0/16'],
      ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe', '169.254.0.0/16'],
      ['169.254.169.254:80', '169.254.169.254', '169.254.0.0/16'],
      ['http://notes.example@a.exfil.example/', 'a.exfil.example', '*.exfil.example'],
      ['https://a.b.c.exfil.example/x', 'a.b.c.exfil.example', '*.exfil.example'],
      ['HTTPS://A.EXFIL.EXAMPLE/x', 'a.exfil.example', '*.exfil.example'],
      ['a.exfil.example/path', 'a.exfil.example', '*.exfil.example'],
      ['//a.exfil.example', 'a.exfil.example', '*.exfil.example'],
      ['http%3A%2F%2Fa%252eexfil.example', 'a.exfil.example', '*.exfil.example'],
      ['http://good.example/?next=a.exfil.example', 'a.exfil.example', '*.exfil.example'],
      ['http://ａ.exfil。example', 'a.exfil.example', '*.exfil.example'],
      ['http://a.exfil.example./', 'a.exfil.example', '*.exfil.example'],
      ['[fd12::1]', 'fd12::1', 'fd00::/8'],
      ['http://10.0.0.1:8080', '10.0.0.1', '10.0.0.1'],
    ])('denies %j', (input, host, rule) => {
      expect(check(input)).toEqual({ kind: 'denied', host, rule, list: 'deny' });
    });

    it('finds hosts nested deep inside the arguments', () => {
      const args: JsonValue = { a: [{ b: { c: ['ok', { url: 'http://x.exfil.example' }] } }] };
      expect(check(args)).toMatchObject({ kind: 'denied', host: 'x.exfil.example' });
    });

    it.each([
      'https://exfil.example/',
      'https://exfil.example.com/',
      'https://notexfil.example/',
      'http://169.255.0.1/',
      'http://10.0.0.2/',
      'notes.example.com.evil',
      'plain text with 2852039166 in it',
    ])('allows the look-alike %j', (input) => {
      expect(check(input)).toEqual({ kind: 'ok' });
    });
  });

  describe('with an allow list', () => {
    const ALLOW = egress([], ['notes.example', '*.notes.example', '192.168.0.0/16']);

    it('allows arguments whose every host is listed', () => {
      expect(
        check({ u: 'https://notes.example/a', v: 'http://api.notes.example/' }, ALLOW),
      ).toEqual({ kind: 'ok' });
      expect(check('http://192.168.1.5/', ALLOW)).toEqual({ kind: 'ok' });
      expect(check({ n: 1, s: 'no hosts' }, ALLOW)).toEqual({ kind: 'ok' });
    });

    it('denies the first host that is not listed', () => {
      expect(check('https://notes.example.com.evil/', ALLOW)).toEqual({
        kind: 'denied',
        host: 'notes.example.com.evil',
        rule: 'egress.allow',
        list: 'allow',
      });
      expect(check('http://notes.example@evil.example/', ALLOW)).toMatchObject({
        host: 'evil.example',
      });
      expect(check('see report.zip', ALLOW)).toMatchObject({ host: 'report.zip' });
    });

    it('checks the deny list first', () => {
      const both = egress(['*.bad.notes.example'], ['*.notes.example']);
      expect(check('https://x.bad.notes.example', both)).toMatchObject({ list: 'deny' });
    });
  });

  it('scans nothing when both lists are empty', () => {
    const empty = egress([]);
    expect(isEgressEmpty(empty)).toBe(true);
    expect(checkEgress(empty, 'x'.repeat(100), { maxScanChars: 1, maxHosts: 1 })).toEqual({
      kind: 'ok',
    });
  });

  it('reports too-large past the scan budget', () => {
    expect(checkEgress(DENY, 'x'.repeat(100), { maxScanChars: 10, maxHosts: 1 })).toEqual({
      kind: 'too-large',
    });
  });
});

describe('parseEgressEntry', () => {
  it('reads ranges, addresses and host globs', () => {
    expect(parseEgressEntry('10.0.0.0/8').kind).toBe('cidr');
    expect(parseEgressEntry('10.0.0.1').kind).toBe('cidr');
    expect(parseEgressEntry('::1').kind).toBe('cidr');
    expect(parseEgressEntry('fd00::/8').kind).toBe('cidr');
    expect(parseEgressEntry('*.Exfil.Example.').kind).toBe('glob');
    expect(parseEgressEntry('169.254.*').kind).toBe('glob');
  });

  it('lowercases globs and tests them against address text too', () => {
    const entry = parseEgressEntry('169.254.*');
    const lists = { deny: [entry], allow: [] };
    expect(checkEgress(lists, 'http://2852039166/', DEFAULT_POLICY_LIMITS)).toMatchObject({
      kind: 'denied',
    });
    const upper = { deny: [parseEgressEntry('*.EXFIL.example.')], allow: [] };
    expect(checkEgress(upper, 'a.exfil.example', DEFAULT_POLICY_LIMITS)).toMatchObject({
      kind: 'denied',
    });
  });

  it.each([
    ['http://evil.example', 'not a URL'],
    ['evil.example:443', 'egress entry is a host glob'],
    ['bücher.example', 'egress entry is a host glob'],
    ['10.0.0.0/33', 'not a valid CIDR range'],
    ['dead::beef::1', 'not an IP address'],
    ['a[b', "unmatched '['"],
  ])('refuses %s', (text, message) => {
    expect(() => parseEgressEntry(text)).toThrow(ConfigError);
    expect(() => parseEgressEntry(text)).toThrow(message);
  });

  it('reports every bad entry with its path', () => {
    const issues: { path: string; message: string }[] = [];
    const compiled = compileEgress(['ok.example', 'http://x'], ['1.2.3.4/99'], issues);
    expect(issues.map((i) => i.path)).toEqual(['egress.deny.1', 'egress.allow.0']);
    expect(compiled.deny).toHaveLength(1);
  });
});
