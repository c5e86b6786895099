// #/servers: every server with its status, risk band and last probe; a server that needs a human
// (changed, pending, quarantined, or with items restricted by risk) stands out.
import { get } from '../api.js';
import { h, shortDigest, table, td } from '../dom.js';

const BANDS = ['critical', 'high', 'medium', 'low'];

export async function renderServers(view, ctx) {
  const { servers } = await get('/api/servers');
  if (!ctx.isCurrent()) return;
  view.append(h('h1', { text: 'Servers' }));
  if (servers.length === 0) {
    view.append(h('p', { id: 'servers-empty', text: 'No servers have been seen yet.' }));
    return;
  }
  const attention = servers.filter((s) => s.needsReview).length;
  view.append(
    h('p', {
      id: 'servers-summary',
      text: `${servers.length} server(s); ${attention} need(s) review.`,
    }),
    table(
      { id: 'servers-table', className: 'grid' },
      ['Server', 'Status', 'Risk', 'Items by band', 'Held calls', 'Last probe', 'Observed'],
      servers,
      serverRow,
    ),
  );
}

function serverRow(server) {
  const link = h('a', {
    text: server.name,
    testid: 'server-link',
    attrs: { href: `#/servers/${encodeURIComponent(server.name)}` },
  });
  const restricted = [
    ...server.blocked.map((r) => `${r} blocked`),
    ...server.quarantined.map((r) => `${r} quarantined`),
  ];
  return h(
    'tr',
    {
      testid: 'server-row',
      className: server.needsReview ? 'needs-review' : '',
      data: { server: server.name, status: server.status },
    },
    td(
      link,
      server.needsReview
        ? h('span', { className: 'flag', text: 'review', testid: 'needs-review' })
        : null,
    ),
    td(
      h('span', {
        className: `badge status-${server.status}`,
        text: server.status,
        testid: 'server-status',
      }),
      h('div', { className: 'muted small', text: server.reason }),
    ),
    td(
      h('span', {
        className: `badge band-${server.band ?? 'none'}`,
        text: server.band ?? '-',
        testid: 'server-band',
      }),
      restricted.length > 0 ? h('div', { className: 'small', text: restricted.join(', ') }) : null,
    ),
    td(
      BANDS.filter((b) => server.bands[b] > 0)
        .map((b) => `${server.bands[b]} ${b}`)
        .join(', ') || '-',
    ),
    td(
      server.pendingHolds > 0
        ? h('a', { text: String(server.pendingHolds), attrs: { href: '#/holds' } })
        : '0',
    ),
    td(h('time', { text: server.lastProbeAt ?? '-', testid: 'server-last-probe' })),
    td(shortDigest(server.observedDigest)),
  );
}
