/**
 * Server-chosen strings (content types, object keys, hostnames) that end up in a detection are
 * shown as printable ASCII only and cut short, so evidence is safe to log and cannot smuggle
 * control, bidi or invisible characters into a console or a terminal.
 */

/** `text` with every character outside U+0020–U+007E replaced by `?`, cut to `max` characters. */
export function toSafeText(text: string, max: number): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  let out = '';
  let from = 0;
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    out += `${cut.slice(from, i)}?`;
    from = i + 1;
  }
  out += cut.slice(from);
  return text.length > max ? `${out}…` : out;
}

/** Up to `shown` items joined by `, `, then `(+N more)` for the rest. */
export function listSome(items: readonly string[], shown: number): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} (+${items.length - shown} more)` : head;
}
