/**
 * Cyrillic and Greek letters that look like Latin ones (a subset of Unicode's confusables, the
 * letters that render identically or nearly so in common UI fonts), mapped to the lower-case ASCII
 * letter a reader would see. Used to fold homoglyph spellings (`ignоre` with a Cyrillic `о`)
 * before matching, and to tell a look-alike inside a Latin word from ordinary Cyrillic or Greek.
 */

const PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic lower case
  ['а', 'a'],
  ['е', 'e'],
  ['ё', 'e'],
  ['о', 'o'],
  ['р', 'p'],
  ['с', 'c'],
  ['у', 'y'],
  ['х', 'x'],
  ['і', 'i'],
  ['ї', 'i'],
  ['ј', 'j'],
  ['ѕ', 's'],
  ['ԁ', 'd'],
  ['ԛ', 'q'],
  ['ԝ', 'w'],
  ['һ', 'h'],
  ['ӏ', 'l'],
  ['ɑ', 'a'],
  // Cyrillic upper case
  ['А', 'a'],
  ['В', 'b'],
  ['Е', 'e'],
  ['К', 'k'],
  ['М', 'm'],
  ['Н', 'h'],
  ['О', 'o'],
  ['Р', 'p'],
  ['С', 'c'],
  ['Т', 't'],
  ['Х', 'x'],
  ['У', 'y'],
  ['І', 'i'],
  ['Ј', 'j'],
  ['Ѕ', 's'],
  ['Ԛ', 'q'],
  ['Ԝ', 'w'],
  ['Ӏ', 'l'],
  // Greek
  ['ο', 'o'],
  ['ρ', 'p'],
  ['ν', 'v'],
  ['ι', 'i'],
  ['κ', 'k'],
  ['υ', 'u'],
  ['χ', 'x'],
  ['ϲ', 'c'],
  ['ϳ', 'j'],
  ['Α', 'a'],
  ['Β', 'b'],
  ['Ε', 'e'],
  ['Ζ', 'z'],
  ['Η', 'h'],
  ['Ι', 'i'],
  ['Κ', 'k'],
  ['Μ', 'm'],
  ['Ν', 'n'],
  ['Ο', 'o'],
  ['Ρ', 'p'],
  ['Τ', 't'],
  ['Υ', 'y'],
  ['Χ', 'x'],
];

/** Look-alike code point → the ASCII code of the Latin letter it imitates. */
export const CONFUSABLES: ReadonlyMap<number, number> = new Map(
  PAIRS.map(([from, to]) => [from.codePointAt(0) ?? 0, to.charCodeAt(0)]),
);

/** Whether the code point is a Cyrillic or Greek look-alike of a Latin letter. */
export function isConfusable(cp: number): boolean {
  return CONFUSABLES.has(cp) && cp !== 0x0251;
}

/** Typographic punctuation folded to the ASCII a reader takes it for (quotes, dashes, `…`). */
export const TYPOGRAPHIC: ReadonlyMap<number, string> = new Map([
  [0x2018, "'"],
  [0x2019, "'"],
  [0x201b, "'"],
  [0x2032, "'"],
  [0x02bc, "'"],
  [0x201c, '"'],
  [0x201d, '"'],
  [0x201e, '"'],
  [0x00ab, '"'],
  [0x00bb, '"'],
  [0x2010, '-'],
  [0x2011, '-'],
  [0x2012, '-'],
  [0x2013, '-'],
  [0x2014, '-'],
  [0x2015, '-'],
  [0x2212, '-'],
  [0x2026, '...'],
  [0x3002, '.'],
  [0x3001, ','],
  [0xff61, '.'],
  [0x2044, '/'],
  [0x2215, '/'],
]);
