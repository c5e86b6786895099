// #/anomalies: behaviour anomalies raised against tool results, newest first, with what each made
// the gateway do; filter by server and tool.
import { get, withQuery } from '../api.js';
import { h, table, td } from '../dom.js';

const filters = { server: '', tool: '', limit: '100' };

export async function renderAnomalies(view, ctx) {
  const { anomalies } = await get(withQuery('/api/anomalies', filters));
  if (!ctx.isCurrent()) return;
  const field = (id, name, label, type = 'text') =>
    h('label', {}, `${label} `, h('input', { id, attrs: { name, type, value: filters[name] } }));
  const form = h(
    'form',
    {
      id: 'anomalies-filter',
      className: 'filters',
      on: {
        submit: (event) => {
          event.preventDefault();
          const data = new FormData(event.target);
          for (const name of Object.keys(filters)) filters[name] = String(data.get(name) ?? '');
          ctx.refresh();
        },
      },
    },
    field('anomalies-server', 'server', 'Server'),
    field('anomalies-tool', 'tool', 'Tool'),
    field('anomalies-limit', 'limit', 'Limit', 'number'),
    h('button', { id: 'anomalies-submit', text: 'Filter', attrs: { type: 'submit' } }),
  );
  view.append(h('h1', { text: 'Anomalies' }), form);
  if (anomalies.length === 0) {
    view.append(h('p', { id: 'anomalies-table', text: 'No anomalies recorded.' }));
    return;
  }
  view.append(
    table(
      { id: 'anomalies-table', className: 'grid' },
      ['When', 'Server', 'Tool', 'Kind', 'Action', 'What'],
      anomalies,
      (a) =>
        h(
          'tr',
          { testid: 'anomaly-row', data: { anomalyId: a.id, action: a.action } },
          td(h('time', { text: a.at })),
          td(a.server),
          td(h('code', { text: a.tool })),
          td(a.kind),
          td(h('span', { className: `badge action-${a.action}`, text: a.action })),
          td(
            a.message,
            a.evidence === ''
              ? null
              : h('div', { className: 'evidence', text: `evidence: ${a.evidence}` }),
          ),
        ),
    ),
  );
}
