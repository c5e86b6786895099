/**
 * Who is asking (DESIGN §9, §13; issue 6). Agents reach only MCP; humans reach only the console and
 * its API, with a role. Every field is safe to log: names and ids, never a secret or a hash.
 */

/** Human roles, weakest first: each role can do everything the ones before it can. */
export const ROLES = ['viewer', 'developer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a request needs:
 * - `read`: see servers, diffs, holds, anomalies, rules, the audit log, metrics (viewer);
 * - `review`: approve, quarantine, resolve holds, edit rules (developer);
 * - `admin`: manage agent keys, users and their tokens (admin).
 */
export type Permission = 'read' | 'review' | 'admin';

/** The weakest role that holds each permission. */
export const PERMISSION_ROLE: Readonly<Record<Permission, Role>> = {
  read: 'viewer',
  review: 'developer',
  admin: 'admin',
};

/** Whether `role` holds `permission`. */
export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(PERMISSION_ROLE[permission]);
}

/**
 * An authenticated caller.
 * - `agent` via `key`: an agent key (`hfk_…`), id = the key's id, name = its label.
 * - `agent` via `oauth`: an OAuth 2.1 bearer JWT, id = `iss` + `sub` digest-free label, name = `sub`.
 * - `human` via `password` (console session cookie) or `token` (`hfu_…` API token).
 */
export type Principal =
  | { kind: 'agent'; via: 'key' | 'oauth'; id: string; name: string }
  | { kind: 'human'; via: 'password' | 'token'; id: string; name: string; role: Role };

/**
 * The principal as recorded in holds and audit entries: `key:<name>`, `oauth:<sub>`,
 * `user:<name>`. Holds bind to it (an approval applies to the agent that asked, I6).
 */
export function principalLabel(principal: Principal): string {
  if (principal.kind === 'human') return `user:${principal.name}`;
  return principal.via === 'key' ? `key:${principal.name}` : `oauth:${principal.name}`;
}
