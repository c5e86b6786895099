// The console's entry module: signs the human in (or finds their session), then renders the view
// the location hash names: #/servers, #/servers/NAME, #/holds, #/anomalies, #/rules, #/audit,
// #/audit/INDEX. Each view module fetches what it shows from /api.
import {
  ApiError,
  currentUser,
  describeError,
  login,
  logout,
  setCsrf,
  whenUnauthorized,
} from './api.js';
import { clear, message } from './dom.js';
import { renderAnomalies } from './views/anomalies.js';
import { renderAudit } from './views/audit.js';
import { renderHolds } from './views/holds.js';
import { renderRules } from './views/rules.js';
import { renderServer } from './views/server.js';
import { renderServers } from './views/servers.js';

const REVIEW_ROLES = new Set(['developer', 'admin']);

/** The signed-in human: `{user, role, canReview}`; null while signed out. */
let session = null;
/** Bumped on every render, so a slow answer for a page left behind is dropped. */
let generation = 0;

const byId = (id) => document.getElementById(id);

/** Parses the hash into a route: `{page, arg}`. */
function toRoute(hash) {
  const [, page = 'servers', ...rest] = hash.replace(/^#/, '').split('/');
  const arg = rest.length === 0 ? undefined : decodeURIComponent(rest.join('/'));
  return { page, arg };
}

const VIEWS = {
  servers: (view, ctx, arg) =>
    arg === undefined ? renderServers(view, ctx) : renderServer(view, ctx, arg),
  holds: (view, ctx) => renderHolds(view, ctx),
  anomalies: (view, ctx) => renderAnomalies(view, ctx),
  rules: (view, ctx) => renderRules(view, ctx),
  audit: (view, ctx, arg) => renderAudit(view, ctx, arg),
};

async function render() {
  if (session === null) return;
  const current = ++generation;
  const { page, arg } = toRoute(location.hash);
  const draw = VIEWS[page] ?? VIEWS.servers;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.page === page);
  }
  const view = clear(byId('view'));
  view.dataset.page = page;
  const ctx = {
    session,
    isCurrent: () => current === generation,
    refresh: () => void render(),
  };
  try {
    await draw(view, ctx, arg);
  } catch (error) {
    if (current !== generation) return;
    if (error instanceof ApiError && error.status === 401) return;
    clear(view).append(message('error', describeError(error), { testid: 'view-error' }));
  }
}

function showSignedIn(me) {
  setCsrf(me.csrf);
  session = { user: me.user, role: me.role, canReview: REVIEW_ROLES.has(me.role) };
  byId('login-view').hidden = true;
  byId('nav').hidden = false;
  byId('session').hidden = false;
  byId('whoami').textContent = `${me.user} (${me.role})`;
  document.body.dataset.role = me.role;
  void render();
}

function showSignedOut(text) {
  session = null;
  generation++;
  setCsrf('');
  clear(byId('view'));
  byId('nav').hidden = true;
  byId('session').hidden = true;
  byId('login-view').hidden = false;
  delete document.body.dataset.role;
  const error = byId('login-error');
  error.textContent = text ?? '';
  error.hidden = text === undefined;
  byId('login-user').focus();
}

async function onLogin(event) {
  event.preventDefault();
  const user = byId('login-user').value;
  const password = byId('login-password');
  byId('login-submit').disabled = true;
  try {
    const me = await login(user, password.value);
    password.value = '';
    showSignedIn(me);
  } catch (error) {
    password.value = '';
    showSignedOut(
      error instanceof ApiError && error.status === 401
        ? 'Wrong user name or password.'
        : describeError(error),
    );
  } finally {
    byId('login-submit').disabled = false;
  }
}

async function onLogout() {
  try {
    await logout();
  } finally {
    showSignedOut();
  }
}

async function start() {
  byId('login-form').addEventListener('submit', onLogin);
  byId('logout').addEventListener('click', onLogout);
  window.addEventListener('hashchange', () => void render());
  whenUnauthorized(() => showSignedOut('Your session ended. Sign in again.'));
  if (location.hash === '') history.replaceState(null, '', '#/servers');
  try {
    const me = await currentUser();
    if (me === null) showSignedOut();
    else showSignedIn(me);
  } catch (error) {
    showSignedOut(describeError(error));
  }
}

void start();
