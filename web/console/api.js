// The console API client: same-origin fetches with the session cookie; every write carries the
// CSRF token from /auth/me or the login answer, and a JSON body.

let csrfToken = '';

/** An API error answer: `status`, the stable `code`, and the parsed body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.error === 'string' ? body.error : `request failed (${status})`);
    this.status = status;
    this.code = typeof body?.code === 'string' ? body.code : 'HTTP_' + status;
    this.body = body ?? {};
  }
}

/** Remembers the CSRF token writes must send. */
export function setCsrf(token) {
  csrfToken = typeof token === 'string' ? token : '';
}

/** Called when the session is gone (401), to show the login form. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** Sends one request; resolves to the parsed JSON answer, rejects with ApiError. */
export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/auth/')) onUnauthorized();
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);

/** The signed-in human `{user, role, csrf}`, or null when nobody is signed in. */
export async function currentUser() {
  try {
    return await request('GET', '/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Signs in; resolves to `{user, role, csrf}`. */
export function login(user, password) {
  return request('POST', '/auth/login', { user, password });
}

/** Signs out. */
export function logout() {
  return request('POST', '/auth/logout', {});
}

/** `/api/...` path with the query parameters that are set. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** One line for an error: the API's own message and code, or a generic one. */
export function describeError(error) {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return 'The console could not reach the gateway.';
}
