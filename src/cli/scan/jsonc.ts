/**
 * JSON with comments (JSONC), as editors write client configurations (`.vscode/mcp.json`, VS Code's
 * `settings.json`): `//` and `/* *\/` comments and trailing commas are blanked out, so the strict
 * parser (duplicate keys rejected) then reads the rest. Everything else is left byte for byte.
 */

/**
 * Replaces comments and trailing commas outside strings with spaces (same length, so parser
 * offsets still point into the original text). One pass over the text, then one rebuild: linear
 * in its length whatever it holds. Text that is not JSONC is returned with whatever was blanked;
 * the strict parser reports what is wrong with it.
 */
export function blankJsonComments(text: string): string {
  const blanks: [number, number][] = [];
  let lastComma = -1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i);
      lastComma = -1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i + 2);
      const stop = end === -1 ? text.length : end;
      blanks.push([i, stop]);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blanks.push([i, stop]);
      i = stop;
    } else if (c === ',') {
      lastComma = i;
      i += 1;
    } else if (c === '}' || c === ']') {
      if (lastComma !== -1) blanks.push([lastComma, lastComma + 1]);
      lastComma = -1;
      i += 1;
    } else {
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') lastComma = -1;
      i += 1;
    }
  }
  if (blanks.length === 0) return text;
  blanks.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  for (const [start, end] of blanks) {
    out += text.slice(from, start) + ' '.repeat(end - start);
    from = end;
  }
  return out + text.slice(from);
}

/** The index just past the string literal opening at `start` (or the text's end if unclosed). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  return text.length;
}
