/**
 * Whether a string looks like a random secret (a key, a token) rather than a word, a placeholder,
 * a UUID or a number: used to keep `password=`/`token:` assignments and `sk-…` shapes precise.
 */

/** Shannon entropy (bits per character) of `value`. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDERS = [
  'xxx',
  '***',
  '...',
  'your',
  'example',
  'changeme',
  'placeholder',
  'redacted',
  'dummy',
  'sample',
  'secret',
  'password',
  'token',
  'replace',
  '<',
  '>',
  '${',
  '{{',
  '%s',
];

/** Whether `value` looks like a random secret rather than a word, placeholder, UUID or number. */
export function looksRandom(value: string): boolean {
  if (value.length < 12) return false;
  const lower = value.toLowerCase();
  if (PLACEHOLDERS.some((p) => lower.includes(p))) return false;
  const parts = value.split('-');
  if (parts.length === 5 && parts.map((p) => p.length).join() === '8,4,4,4,12') return false; // UUID
  let classes = 0;
  let lowers = 0;
  let uppers = 0;
  let digits = 0;
  let others = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) lowers++;
    else if (c >= 0x41 && c <= 0x5a) uppers++;
    else if (c >= 0x30 && c <= 0x39) digits++;
    else others++;
  }
  for (const n of [lowers, uppers, digits, others]) if (n > 0) classes++;
  if (digits === value.length) return false;
  return classes >= 2 && entropy(value) >= 3.2;
}
