// #/servers/NAME: the review diff of one server (exactly what `holdfast diff` shows), its risk
// findings and tools, and the decisions: approve the digest shown (the server refuses it if the
// server changed since), quarantine the server, release, quarantine or block one tool.
import { ApiError, describeError, get, post } from '../api.js';
import { facts, h, message, shortDigest, table, td } from '../dom.js';

/** A message to show once the page is drawn again after a decision. */
let flash = null;

export async function renderServer(view, ctx, name) {
  const path = `/api/servers/${encodeURIComponent(name)}`;
  const diff = await get(`${path}/diff`);
  if (!ctx.isCurrent()) return;
  const canReview = ctx.session.canReview;
  const status = h('div', { id: 'server-message', testid: 'server-message' });
  if (flash !== null) {
    status.append(message(flash.kind, flash.text));
    flash = null;
  }
  const decide = async (action, okText) => {
    try {
      const answer = await action();
      flash = { kind: 'ok', text: okText(answer) };
    } catch (error) {
      const stale = error instanceof ApiError && error.code === 'PIN_STALE_DIGEST';
      flash = {
        kind: 'error',
        text: stale
          ? `Refused: ${error.message}. The diff below is the new one.`
          : describeError(error),
      };
    }
    ctx.refresh();
  };

  const acceptRisk = h('input', {
    id: 'accept-risk',
    testid: 'accept-risk',
    attrs: { type: 'checkbox' },
  });
  const approve = h('button', {
    id: 'approve-button',
    testid: 'approve-button',
    className: 'primary',
    text: `Approve digest ${diff.approveDigest}`,
    data: { digest: diff.approveDigest },
    hidden: !canReview,
    disabled: !canReview,
    on: {
      click: () =>
        decide(
          () =>
            post(`${path}/approve`, { digest: diff.approveDigest, acceptRisk: acceptRisk.checked }),
          (a) => `Approved ${diff.server} at ${a.digest}; status ${a.status}.`,
        ),
    },
  });
  const quarantine = h('button', {
    id: 'quarantine-button',
    testid: 'quarantine-button',
    className: 'danger',
    text: 'Quarantine server',
    hidden: !canReview,
    disabled: !canReview,
    on: {
      click: () =>
        decide(
          () => post(`${path}/quarantine`, { digest: diff.observedDigest }),
          (a) => `Quarantined ${diff.server}; status ${a.status}.`,
        ),
    },
  });

  view.append(
    h('p', {}, h('a', { text: '← All servers', attrs: { href: '#/servers' } })),
    h('h1', { id: 'server-name', text: diff.server }),
    status,
    facts({ id: 'server-facts' }, [
      [
        'Status',
        h('span', {
          className: `badge status-${diff.status}`,
          text: diff.status,
          testid: 'diff-status',
        }),
      ],
      ['Why', diff.reason],
      [
        'Approved',
        h('code', { id: 'approved-digest', text: diff.approvedDigest ?? '(nothing approved yet)' }),
      ],
      ['Observed', h('code', { id: 'observed-digest', text: diff.observedDigest })],
      ['Observed at', diff.observedAt],
    ]),
    h(
      'section',
      { id: 'review-actions', className: 'actions' },
      canReview
        ? h('p', {
            text: 'Approving names the digest shown here: if the server changed since, the approval is refused.',
          })
        : h('p', {
            id: 'viewer-note',
            className: 'muted',
            text: 'Your role can read but not approve or quarantine.',
          }),
      approve,
      h(
        'label',
        { hidden: !canReview, attrs: { for: 'accept-risk' } },
        acceptRisk,
        ' also allow items the risk engine blocks',
      ),
      quarantine,
      h(
        'p',
        { className: 'muted small' },
        'CLI: ',
        h('code', { id: 'approve-command', text: diff.approveCommand }),
      ),
    ),
    h('h2', { text: diff.isEmpty ? 'Changes: none' : 'Changes' }),
    h('pre', { id: 'diff-report', testid: 'diff-report', className: 'report', text: diff.report }),
    h('h2', { text: 'Risk findings in the observed version' }),
    riskList(diff.risk),
    h('h2', { text: 'Tools' }),
    toolTable(diff, path, canReview, decide),
  );
}

function riskList(items) {
  if (items.length === 0)
    return h('p', { id: 'risk-findings', text: 'No findings in the observed version.' });
  const list = h('div', { id: 'risk-findings' });
  for (const item of items) {
    const findings = h('ul', {});
    for (const f of item.findings) {
      findings.append(
        h(
          'li',
          { testid: 'finding' },
          h('code', { text: f.ruleId }),
          ` (+${f.weight}) ${f.pointer === '' ? '(whole definition)' : f.pointer}: ${f.message}`,
          f.evidence === ''
            ? null
            : h('div', { className: 'evidence', text: `evidence: ${f.evidence}` }),
        ),
      );
    }
    const stored =
      item.stored !== null && item.stored.mode !== 'allow'
        ? ` — mode now ${item.stored.mode} (set by ${item.stored.by ?? item.stored.source})`
        : '';
    list.append(
      h(
        'div',
        { className: 'risk-item', testid: 'risk-item', data: { band: item.band } },
        h(
          'p',
          {},
          h('span', { className: `badge band-${item.band}`, text: item.band }),
          ` ${item.score}  ${item.ref}${stored}`,
        ),
        findings,
      ),
    );
  }
  return list;
}

function toolTable(diff, path, canReview, decide) {
  if (diff.tools.length === 0) return h('p', { id: 'tool-modes', text: 'No tools assessed.' });
  return table(
    { id: 'tool-modes', className: 'grid' },
    ['Tool', 'Band', 'Mode', 'Set by', 'Digest', ''],
    diff.tools,
    (tool) => {
      const toolPath = tool.urlName === null ? null : `${path}/tools/${tool.urlName}/approve`;
      const name = tool.urlName === null ? null : decodeURIComponent(tool.urlName);
      const button = (testid, text, run, okText) =>
        h('button', {
          testid,
          text,
          hidden: !canReview || name === null,
          disabled: !canReview || name === null,
          on: { click: () => decide(run, okText) },
        });
      return h(
        'tr',
        { testid: 'tool-row', data: { mode: tool.mode } },
        td(h('code', { text: tool.name })),
        td(h('span', { className: `badge band-${tool.band}`, text: tool.band })),
        td(h('span', { className: `badge mode-${tool.mode}`, text: tool.mode })),
        td(tool.by ?? tool.source),
        td(shortDigest(tool.digest)),
        td(
          tool.mode === 'allow'
            ? null
            : button(
                'tool-approve',
                'Release',
                () => post(toolPath, { digest: tool.digest }),
                () => `Released ${tool.name}.`,
              ),
          tool.mode === 'quarantine' || tool.mode === 'block'
            ? null
            : button(
                'tool-quarantine',
                'Quarantine',
                () => post(`${path}/quarantine`, { tool: name }),
                () => `Quarantined ${tool.name}.`,
              ),
          tool.mode === 'block'
            ? null
            : button(
                'tool-block',
                'Block',
                () => post(`${path}/quarantine`, { tool: name, block: true }),
                () => `Blocked ${tool.name}.`,
              ),
        ),
      );
    },
  );
}
