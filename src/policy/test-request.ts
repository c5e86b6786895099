/**
 * The request a "test a call" asks the rules about (`holdfast policy test`, the console's form):
 * which method a tool, prompt or resource target implies, and the arguments the rules see. Built
 * in one place so the CLI and the console explain exactly the same request.
 */
import type { JsonValue } from '../surface/types.js';
import type { PolicyRequest } from './rule.js';

/** A call to test: at most one of `tool`, `prompt`, `resource` and `method`. */
export interface PolicyTestCall {
  server: string;
  tool?: string | undefined;
  prompt?: string | undefined;
  resource?: string | undefined;
  /** Any other method (default `tools/call`). */
  method?: string | undefined;
  args: JsonValue;
  /** The pinned definition digest the call would run at. */
  definition?: string | undefined;
}

/**
 * The policy request for `call`: `tools/call` for a tool, `prompts/get` for a prompt,
 * `resources/read` (with `{uri}` as its arguments) for a resource, else `method`.
 */
export function toPolicyTestRequest(call: PolicyTestCall): PolicyRequest {
  const method =
    call.tool !== undefined
      ? 'tools/call'
      : call.prompt !== undefined
        ? 'prompts/get'
        : call.resource !== undefined
          ? 'resources/read'
          : (call.method ?? 'tools/call');
  return {
    server: call.server,
    method,
    name: call.tool ?? call.prompt ?? call.resource,
    args: method === 'resources/read' ? { uri: call.resource ?? null } : call.args,
    definitionDigest: call.definition ?? null,
  };
}
