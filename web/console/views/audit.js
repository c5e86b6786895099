// #/audit and #/audit/INDEX: search the audit log (newest first), "Verify now" (the whole log and
// its checkpoints, recomputed by the gateway), and one entry's details with downloads of its
// receipt and exact bytes for offline checking (`holdfast audit verify-receipt`).
import { describeError, get, post, withQuery } from '../api.js';
import { facts, h, message, td } from '../dom.js';

const query = { kind: '', server: '', q: '', limit: '50' };

export async function renderAudit(view, ctx, index) {
  if (index !== undefined) return renderEntry(view, ctx, index);
  const page = await get(withQuery('/api/audit', query));
  if (!ctx.isCurrent()) return;
  const field = (id, name, label) =>
    h(
      'label',
      {},
      `${label} `,
      h('input', {
        id,
        attrs: { name, type: name === 'limit' ? 'number' : 'text', value: query[name] },
      }),
    );
  const form = h(
    'form',
    {
      id: 'audit-search',
      className: 'filters',
      on: {
        submit: (event) => {
          event.preventDefault();
          const data = new FormData(event.target);
          for (const name of Object.keys(query)) query[name] = String(data.get(name) ?? '');
          ctx.refresh();
        },
      },
    },
    field('audit-kind', 'kind', 'Kind'),
    field('audit-server', 'server', 'Server'),
    field('audit-q', 'q', 'Text'),
    field('audit-limit', 'limit', 'Limit'),
    h('button', { id: 'audit-search-submit', text: 'Search', attrs: { type: 'submit' } }),
  );
  const verifyResult = h('div', { id: 'audit-verify-result', testid: 'audit-verify-result' });
  const verify = h('button', {
    id: 'audit-verify',
    testid: 'audit-verify',
    text: 'Verify now',
    on: {
      click: async () => {
        verify.disabled = true;
        verifyResult.replaceChildren(message('info', 'Verifying the whole log…'));
        try {
          verifyResult.replaceChildren(verification(await post('/api/audit/verify', {})));
        } catch (error) {
          verifyResult.replaceChildren(message('error', describeError(error)));
        } finally {
          verify.disabled = false;
        }
      },
    },
  });
  const body = h('tbody');
  const more = h('button', {
    id: 'audit-more',
    testid: 'audit-more',
    text: 'Older entries',
    hidden: page.next === null,
  });
  let next = page.next;
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const older = await get(withQuery('/api/audit', { ...query, before: next }));
      for (const entry of older.entries) body.append(entryRow(entry));
      next = older.next;
      more.hidden = next === null;
    } catch (error) {
      verifyResult.replaceChildren(message('error', describeError(error)));
    } finally {
      more.disabled = false;
    }
  });
  for (const entry of page.entries) body.append(entryRow(entry));
  view.append(
    h('h1', { text: 'Audit log' }),
    h(
      'div',
      { className: 'actions' },
      verify,
      h('span', { id: 'audit-size', className: 'muted', text: ` ${page.size} entries in the log` }),
    ),
    verifyResult,
    form,
    page.entries.length === 0
      ? h('p', { id: 'audit-empty', text: 'No entries match.' })
      : h(
          'table',
          { id: 'audit-table', className: 'grid' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['#', 'When', 'Kind', 'Server', 'Data'].map((t) =>
                h('th', { text: t, attrs: { scope: 'col' } }),
              ),
            ),
          ),
          body,
        ),
    more,
  );
}

function entryRow(entry) {
  const link = h('a', { text: `#${entry.index}`, attrs: { href: `#/audit/${entry.index}` } });
  if (entry.isMalformed === true) {
    return h(
      'tr',
      { testid: 'audit-row', className: 'needs-review', data: { index: entry.index } },
      td(link),
      td('-'),
      td('(does not decode: verify the log)'),
      td('-'),
      td('-'),
    );
  }
  const data = Object.entries(entry.data)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return h(
    'tr',
    { testid: 'audit-row', data: { index: entry.index, kind: entry.kind } },
    td(link),
    td(h('time', { text: entry.time })),
    td(entry.kind),
    td(entry.server),
    td(h('span', { className: 'small', text: data })),
  );
}

function verification(report) {
  if (report.ok) {
    const tail =
      report.uncheckpointed > 0
        ? `; ${report.uncheckpointed} newest entries are not yet covered by a checkpoint`
        : '';
    return message(
      'ok',
      `Audit log ${report.origin} verifies: ${report.size} entries, ${report.checkpoints} checkpoint(s) consistent${tail}.`,
      { testid: 'verify-ok' },
    );
  }
  const list = h('ul', {});
  for (const p of report.problems) {
    list.append(
      h(
        'li',
        {},
        h('code', { text: p.code }),
        `${p.index === undefined ? '' : ` at entry ${p.index}`}: ${p.message}`,
      ),
    );
  }
  return h(
    'div',
    { testid: 'verify-failed' },
    message(
      'error',
      `Audit log ${report.origin} does NOT verify: ${report.problemCount} problem(s)${report.firstBadIndex === undefined ? '' : `; first bad entry: ${report.firstBadIndex}`}.`,
    ),
    list,
  );
}

async function renderEntry(view, ctx, index) {
  const detail = await get(`/api/audit/${encodeURIComponent(index)}`);
  if (!ctx.isCurrent()) return;
  const entry = detail.entry;
  view.append(
    h('p', {}, h('a', { text: '← Audit log', attrs: { href: '#/audit' } })),
    h('h1', { id: 'audit-entry-title', text: `Entry #${detail.index}` }),
    facts({ id: 'audit-entry' }, [
      ['Kind', entry?.kind ?? '(does not decode)'],
      ['Server', entry?.server],
      ['When', entry?.time],
      ['Size', `${detail.bytes} bytes`],
      ['Leaf hash', h('code', { id: 'audit-leaf-hash', text: detail.leafHash })],
      [
        'Stored leaf',
        detail.isLeafMatching
          ? 'matches'
          : h('strong', {
              className: 'bad',
              text: `does not match (${detail.storedLeafHash ?? 'missing'})`,
            }),
      ],
      [
        'Payload',
        detail.payload === null ? 'not kept' : detail.payload.isKept ? 'kept (below)' : 'redacted',
      ],
    ]),
    h('h2', { text: 'Data' }),
    h('pre', {
      id: 'audit-entry-json',
      className: 'report',
      text: entry === null ? '' : JSON.stringify(entry.data, null, 2),
    }),
    detail.payload?.body
      ? h('pre', { id: 'audit-payload', className: 'report', text: detail.payload.body })
      : null,
    h(
      'p',
      { className: 'actions' },
      h('a', {
        id: 'audit-receipt-link',
        testid: 'audit-receipt-link',
        className: 'button',
        text: 'Download receipt',
        attrs: {
          href: `/api/audit/${detail.index}/receipt`,
          download: `holdfast-audit-${detail.index}.tlog-proof`,
        },
      }),
      ' ',
      h('a', {
        id: 'audit-entry-link',
        testid: 'audit-entry-link',
        className: 'button',
        text: 'Download entry',
        attrs: {
          href: `/api/audit/${detail.index}/entry`,
          download: `holdfast-audit-${detail.index}.entry.json`,
        },
      }),
    ),
    h('p', {
      className: 'muted small',
      text: 'Check offline: holdfast audit verify-receipt FILE --vkey KEY (with the entry file beside it).',
    }),
  );
}
