import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject } from '../../surface/types.js';
import { parseNamespacedName } from './names.js';
import type { Refusal } from './replies.js';
import type { ResourceRoutes } from './routes.js';

/**
 * Where a client request goes: one member with its params (the very object received unless a name
 * was rewritten), or nowhere.
 */
export type Routed =
  { kind: 'member'; member: string; params: JsonObject } | { kind: 'refused'; refusal: Refusal };

/** What routing needs to know of the session. */
export interface RouteContext {
  /** Whether a member by this name is behind the endpoint (live or not). */
  isMember: (name: string) => boolean;
  routes: ResourceRoutes;
}

/** Requests that go to exactly one member, chosen by name or URI. */
export const ROUTED_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'prompts/get',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'completion/complete',
]);

const UNKNOWN = {
  tool: {
    code: 'UNKNOWN_TOOL',
    message: 'no tool by that name here; tools on this endpoint are named <server>__<tool>',
  },
  prompt: {
    code: 'UNKNOWN_PROMPT',
    message: 'no prompt by that name here; prompts on this endpoint are named <server>__<prompt>',
  },
  resource: { code: 'UNKNOWN_RESOURCE', message: 'no server on this endpoint lists this resource' },
  ambiguous: {
    code: 'UNKNOWN_RESOURCE',
    message: 'more than one server on this endpoint could serve this resource',
  },
  reference: {
    code: 'UNKNOWN_REFERENCE',
    message: 'completion needs a ref/prompt or ref/resource reference',
  },
} as const satisfies Record<string, Refusal>;

/** Whether routing `method` looks resources up by URI (so the URI routes should be fresh). */
export function isRoutedByUri(method: string, params: JsonObject): boolean {
  if (method.startsWith('resources/')) return true;
  const ref = params['ref'];
  return method === 'completion/complete' && isJsonObject(ref) && ref['type'] === 'ref/resource';
}

/**
 * Chooses the member for one of ROUTED_METHODS. Tool and prompt names lose their namespace, so
 * the member sees the name it listed; resource URIs are relayed unchanged. Only `name` (or
 * `ref.name`) is rewritten; everything else, `_meta` included, is relayed as received.
 */
export function routeRequest(method: string, params: JsonObject, ctx: RouteContext): Routed {
  switch (method) {
    case 'tools/call':
      return byName(params, ctx, UNKNOWN.tool, (name) => ({ ...params, name }));
    case 'prompts/get':
      return byName(params, ctx, UNKNOWN.prompt, (name) => ({ ...params, name }));
    case 'completion/complete':
      return routeCompletion(params, ctx);
    default:
      return byUri(params['uri'], params, ctx);
  }
}

function routeCompletion(params: JsonObject, ctx: RouteContext): Routed {
  const ref = params['ref'];
  if (!isJsonObject(ref)) return refused(UNKNOWN.reference);
  if (ref['type'] === 'ref/prompt') {
    return byName(ref, ctx, UNKNOWN.prompt, (name) => ({ ...params, ref: { ...ref, name } }));
  }
  if (ref['type'] === 'ref/resource') return byUri(ref['uri'], params, ctx);
  return refused(UNKNOWN.reference);
}

function byName(
  holder: JsonObject,
  ctx: RouteContext,
  unknown: Refusal,
  rewrite: (name: string) => JsonObject,
): Routed {
  const namespaced = holder['name'];
  const parsed = typeof namespaced === 'string' ? parseNamespacedName(namespaced) : undefined;
  if (parsed === undefined || !ctx.isMember(parsed.member)) return refused(unknown);
  return { kind: 'member', member: parsed.member, params: rewrite(parsed.name) };
}

function byUri(uri: unknown, params: JsonObject, ctx: RouteContext): Routed {
  if (typeof uri !== 'string') return refused(UNKNOWN.resource);
  const route = ctx.routes.route(uri);
  switch (route.kind) {
    case 'member':
      return { kind: 'member', member: route.member, params };
    case 'ambiguous':
      return refused(UNKNOWN.ambiguous);
    case 'unknown':
      return refused(UNKNOWN.resource);
  }
}

function refused(refusal: Refusal): Routed {
  return { kind: 'refused', refusal };
}
