import { describe, expect, it } from 'vitest';

import { ConfigError } from '../shared/errors.js';
import { isInCidr, parseCidr, parseIpAddress, toIpText } from './ip.js';

function text(input: string): string | undefined {
  const address = parseIpAddress(input);
  return address === undefined ? undefined : toIpText(address);
}

describe('parseIpAddress', () => {
  it.each([
    ['169.254.169.254', '169.254.169.254'],
    ['2852039166', '169.254.169.254'],
    ['0xA9FEA9FE', '169.254.169.254'],
    ['0251.0376.0251.0376', '169.254.169.254'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['169.254.43518', '169.254.169.254'],
    ['127.1', '127.0.0.1'],
    [`${'0'.repeat(70)}1.1.1.1`, '1.1.1.1'],
    ['::ffff:169.254.169.254', '169.254.169.254'],
    ['[::ffff:a9fe:a9fe]', '169.254.169.254'],
    ['::1', '::1'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('reads %s as %s', (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it.each([
    'evil.example',
    '',
    '1.2.3.4:80',
    '256.1.1.1',
    '1.2.3.4.5',
    'g::1',
    'add.bad',
    `${'1:'.repeat(40)}1`,
    '1'.repeat(80),
  ])('refuses %j', (input) => {
    expect(parseIpAddress(input)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('reads ranges and bare addresses', () => {
    expect(parseCidr('10.0.0.0/8').range[1]).toBe(8);
    expect(parseCidr('10.0.0.1').range[1]).toBe(32);
    expect(parseCidr('::1').range[1]).toBe(128);
    expect(parseCidr('fc00::/7').range[1]).toBe(7);
  });

  it.each(['10.0.0.0/33', 'x/8', 'evil.example', '10.0.0.0/'])('refuses %s', (input) => {
    expect(() => parseCidr(input)).toThrow(ConfigError);
  });
});

describe('isInCidr', () => {
  const has = (range: string, address: string) => {
    const parsed = parseIpAddress(address);
    if (parsed === undefined) throw new Error(`bad test address ${address}`);
    return isInCidr(parsed, parseCidr(range));
  };

  it('matches within one family', () => {
    expect(has('10.0.0.0/8', '10.255.0.1')).toBe(true);
    expect(has('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(has('2001:db8::/32', '2001:db8::5')).toBe(true);
  });

  it('matches an IPv4 address against an IPv6 range holding its mapped form', () => {
    expect(has('::ffff:169.254.0.0/112', '169.254.169.254')).toBe(true);
    expect(has('::ffff:169.254.0.0/112', '10.0.0.1')).toBe(false);
  });

  it('matches IPv6 addresses that embed an IPv4 address in the range', () => {
    expect(has('169.254.0.0/16', '::169.254.169.254')).toBe(true);
    expect(has('169.254.0.0/16', '64:ff9b::a9fe:a9fe')).toBe(true);
    expect(has('169.254.0.0/16', '2002:a9fe:a9fe::1')).toBe(true);
    expect(has('0.0.0.0/8', '::1')).toBe(false);
    expect(has('0.0.0.0/8', '::2')).toBe(true);
    expect(has('0.0.0.0/0', '::')).toBe(false);
    expect(has('169.254.0.0/16', '2001:db8::a9fe:a9fe')).toBe(false);
  });
});
