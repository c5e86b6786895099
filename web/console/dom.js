// Building the page without HTML strings: every text goes in with textContent, every attribute
// with setAttribute, so nothing a server, an agent or the log wrote can become markup. Styles come
// only from console.css (the CSP allows no inline style), so `style` is refused here too.

/**
 * Creates an element. `props`: id, className, testid (data-testid), text (textContent), hidden,
 * disabled, attrs (other attributes), data (data-* attributes), on (event listeners).
 * Children are nodes or strings (added as text nodes); null and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  const { id, className, testid, text, hidden, disabled, attrs, data, on } = props;
  if (id !== undefined) el.id = id;
  if (className !== undefined) el.className = className;
  if (testid !== undefined) el.setAttribute('data-testid', testid);
  if (text !== undefined && text !== null) el.textContent = String(text);
  if (hidden === true) el.hidden = true;
  if (disabled === true) el.disabled = true;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (name === 'style' || name.startsWith('on')) throw new Error(`refusing attribute ${name}`);
    if (value !== undefined && value !== null && value !== false)
      el.setAttribute(name, String(value));
  }
  for (const [name, value] of Object.entries(data ?? {})) {
    if (value !== undefined && value !== null) el.dataset[name] = String(value);
  }
  for (const [name, listener] of Object.entries(on ?? {})) el.addEventListener(name, listener);
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text) to `parent`. */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Removes every child of `el`. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A table with a header row and one row per item, built by `row(item)` (an array of cells). */
export function table(props, headers, items, row) {
  const body = h('tbody');
  for (const item of items) body.append(row(item));
  return h(
    'table',
    props,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((title) => h('th', { text: title, attrs: { scope: 'col' } })),
      ),
    ),
    body,
  );
}

/** A cell holding `content` (text or nodes). */
export function td(...content) {
  return h('td', {}, ...content);
}

/** `sha256:0123abcd…` for tables; the full digest stays in the title attribute. */
export function shortDigest(digest) {
  if (digest === null || digest === undefined) return h('span', { className: 'muted', text: '-' });
  return h('code', {
    className: 'digest',
    text: `${digest.slice(0, 19)}…`,
    attrs: { title: digest },
  });
}

/** A definition list of [term, value] pairs; values are text or nodes. */
export function facts(props, pairs) {
  const dl = h('dl', { className: 'facts', ...props });
  for (const [term, value] of pairs) dl.append(h('dt', { text: term }), h('dd', {}, value ?? '-'));
  return dl;
}

/** A message line: kind is `info`, `ok` or `error`. */
export function message(kind, text, props = {}) {
  return h('p', {
    className: `message message-${kind}`,
    text,
    attrs: { role: kind === 'error' ? 'alert' : 'status' },
    ...props,
  });
}
