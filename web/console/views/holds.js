// #/holds: calls held for a human (pending, with approve/deny) and the ones decided recently.
import { describeError, get, post } from '../api.js';
import { h, message, shortDigest, table, td } from '../dom.js';

let flash = null;

export async function renderHolds(view, ctx) {
  const { pending, recent } = await get('/api/holds');
  if (!ctx.isCurrent()) return;
  const canReview = ctx.session.canReview;
  const status = h('div', { id: 'holds-message', testid: 'holds-message' });
  if (flash !== null) {
    status.append(message(flash.kind, flash.text));
    flash = null;
  }
  const resolve = async (hold, decision) => {
    try {
      const { hold: after } = await post(`/api/holds/${encodeURIComponent(hold.id)}/resolve`, {
        decision,
      });
      flash = { kind: 'ok', text: `${after.id} ${after.state} by ${after.resolvedBy}.` };
    } catch (error) {
      flash = { kind: 'error', text: describeError(error) };
    }
    ctx.refresh();
  };
  view.append(
    h('h1', { text: 'Held calls' }),
    status,
    h('h2', { text: `Waiting (${pending.length})` }),
  );
  if (pending.length === 0) {
    view.append(h('p', { id: 'pending-holds', text: 'No calls are waiting for approval.' }));
  } else {
    view.append(
      table(
        { id: 'pending-holds', className: 'grid' },
        ['Id', 'Server', 'Call', 'Agent', 'Rule', 'Arguments', 'Expires in', ''],
        pending,
        (hold) =>
          h(
            'tr',
            { testid: 'hold-row', data: { holdId: hold.id } },
            td(h('code', { text: hold.id })),
            td(hold.server),
            td(`${hold.method} `, h('code', { text: hold.name ?? '-' })),
            td(hold.principal),
            td(
              h('code', { text: hold.ruleId }),
              h('div', { className: 'small', text: hold.reason }),
            ),
            td(shortDigest(hold.argsDigest)),
            td(`${hold.expiresInSeconds}s`),
            td(
              h('button', {
                testid: 'hold-approve',
                className: 'primary',
                text: 'Approve',
                hidden: !canReview,
                disabled: !canReview,
                on: { click: () => resolve(hold, 'approve') },
              }),
              h('button', {
                testid: 'hold-deny',
                className: 'danger',
                text: 'Deny',
                hidden: !canReview,
                disabled: !canReview,
                on: { click: () => resolve(hold, 'deny') },
              }),
            ),
          ),
      ),
    );
  }
  view.append(h('h2', { text: 'Recently decided' }));
  if (recent.length === 0) {
    view.append(h('p', { id: 'recent-holds', text: 'Nothing decided yet.' }));
    return;
  }
  view.append(
    table(
      { id: 'recent-holds', className: 'grid' },
      ['Id', 'Server', 'Call', 'State', 'By', 'At'],
      recent,
      (hold) =>
        h(
          'tr',
          { testid: 'recent-hold-row', data: { holdId: hold.id, state: hold.state } },
          td(h('code', { text: hold.id })),
          td(hold.server),
          td(`${hold.method} `, h('code', { text: hold.name ?? '-' })),
          td(
            h('span', {
              className: `badge hold-${hold.state}`,
              text: hold.state === 'pending' ? 'expired' : hold.state,
            }),
          ),
          td(hold.resolvedBy ?? '-'),
          td(hold.resolvedAt ?? hold.expiresAt),
        ),
    ),
  );
}
