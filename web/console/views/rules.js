// #/rules: the per-call rules in force as YAML (editable by developers and admins, validated by the
// gateway, which lists every bad field) and a "test a call" form explaining which rule decides.
import { ApiError, describeError, get, post, put } from '../api.js';
import { facts, h, message } from '../dom.js';

let flash = null;

export async function renderRules(view, ctx) {
  const rules = await get('/api/rules');
  if (!ctx.isCurrent()) return;
  const canEdit = ctx.session.canReview && rules.savable;
  const status = h('div', { id: 'rules-message', testid: 'rules-message' });
  if (flash !== null) {
    status.append(message(flash.kind, flash.text));
    flash = null;
  }
  const errors = h('ul', {
    id: 'rules-errors',
    testid: 'rules-errors',
    className: 'errors',
    hidden: true,
  });
  const editor = h('textarea', {
    id: 'rules-yaml',
    testid: 'rules-yaml',
    className: 'code',
    text: rules.yaml,
    attrs: {
      rows: 24,
      spellcheck: 'false',
      readonly: canEdit ? null : 'readonly',
      'aria-label': 'Rules (YAML)',
    },
  });
  const save = h('button', {
    id: 'rules-save',
    testid: 'rules-save',
    className: 'primary',
    text: 'Save rules',
    hidden: !canEdit,
    disabled: !canEdit,
    on: {
      click: async () => {
        save.disabled = true;
        errors.replaceChildren();
        errors.hidden = true;
        try {
          const answer = await put('/api/rules', { yaml: editor.value });
          flash = {
            kind: 'ok',
            text: `Saved: ${answer.rules} rule(s), mode ${answer.mode}. New calls use them now.`,
          };
          ctx.refresh();
        } catch (error) {
          save.disabled = false;
          status.replaceChildren(message('error', describeError(error)));
          const issues =
            error instanceof ApiError && Array.isArray(error.body.issues) ? error.body.issues : [];
          for (const issue of issues) {
            errors.append(
              h(
                'li',
                { testid: 'rules-error' },
                h('code', { text: issue.path }),
                `: ${issue.message}`,
              ),
            );
          }
          errors.hidden = issues.length === 0;
        }
      },
    },
  });
  const note = rules.savable
    ? canEdit
      ? null
      : h('p', {
          id: 'rules-readonly',
          className: 'muted',
          text: 'Your role can read the rules but not change them.',
        })
    : h('p', {
        id: 'rules-readonly',
        className: 'muted',
        text: 'The gateway was started without --config: the rules cannot be saved here.',
      });
  view.append(
    h('h1', { text: 'Rules' }),
    status,
    facts({ id: 'rules-meta' }, [
      ['Mode', rules.mode],
      ['Default verdict', rules.defaultVerdict],
      ['Rules', `${rules.rules.length} (${rules.ruleOrder.join(', ') || 'none'})`],
      [
        'Egress',
        `${rules.egress.deny.length} denied, ${rules.egress.allow.length} allowed entries`,
      ],
      ['File', rules.path ?? '(none)'],
    ]),
    note,
    editor,
    h('div', { className: 'actions' }, save),
    errors,
    testForm(ctx),
  );
}

function testForm(ctx) {
  const result = h('div', { id: 'test-result', testid: 'test-result' });
  const input = (id, name, label, placeholder = '') =>
    h('label', {}, `${label} `, h('input', { id, attrs: { name, type: 'text', placeholder } }));
  return h(
    'section',
    { id: 'rules-test' },
    h('h2', { text: 'Test a call' }),
    h(
      'form',
      {
        id: 'rules-test-form',
        className: 'stack',
        on: {
          submit: async (event) => {
            event.preventDefault();
            const data = new FormData(event.target);
            const text = (name) => {
              const value = String(data.get(name) ?? '').trim();
              return value === '' ? undefined : value;
            };
            let args;
            try {
              args = JSON.parse(text('args') ?? '{}');
            } catch {
              result.replaceChildren(
                message('error', 'Arguments must be JSON, e.g. {"url": "https://x.example"}.'),
              );
              return;
            }
            try {
              const answer = await post('/api/rules/test', {
                server: text('server') ?? '',
                tool: text('tool'),
                method: text('method'),
                args,
                definitionDigest: text('definition'),
              });
              if (ctx.isCurrent()) result.replaceChildren(explanation(answer));
            } catch (error) {
              result.replaceChildren(message('error', describeError(error)));
            }
          },
        },
      },
      input('test-server', 'server', 'Server'),
      input('test-tool', 'tool', 'Tool'),
      input('test-method', 'method', 'Or method', 'tools/call'),
      h(
        'label',
        {},
        'Arguments (JSON) ',
        h('textarea', {
          id: 'test-args',
          className: 'code',
          text: '{}',
          attrs: { name: 'args', rows: 4 },
        }),
      ),
      input('test-definition', 'definition', 'Definition digest', 'sha256:…'),
      h('button', { id: 'test-submit', text: 'Test', attrs: { type: 'submit' } }),
    ),
    result,
  );
}

function explanation({ decision, egress, rules }) {
  const lines = h('ul', { id: 'test-trace' });
  for (const trace of rules) {
    const why = trace.isMatch
      ? 'matched'
      : 'condition' in trace
        ? `did not match: args_match condition ${trace.condition} (${trace.detail}) did not hold`
        : `did not match: ${trace.missed}`;
    lines.append(h('li', {}, h('code', { text: trace.ruleId }), `: ${why}`));
  }
  const egressText =
    egress.kind === 'ok'
      ? 'no denied host found'
      : egress.kind === 'denied'
        ? `${egress.host} is denied by ${egress.rule}`
        : 'the arguments are too large to scan (denied)';
  return h(
    'div',
    {},
    facts({}, [
      [
        'Verdict',
        h('strong', {
          id: 'test-verdict',
          testid: 'test-verdict',
          text: `${decision.verdict}${decision.enforced ? '' : ' (shadow mode: recorded, not enforced)'}`,
        }),
      ],
      ['Decided by', h('code', { id: 'test-rule', text: decision.ruleId })],
      ['Reason', decision.reason],
      ['Egress', egressText],
    ]),
    lines,
  );
}
