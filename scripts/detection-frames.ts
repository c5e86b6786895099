/**
 * Turns MCP messages and list items into what the risk engine scans: a surface (items keyed by
 * name, URI or URI template) with its scan context, or the strings of an output. Used by the
 * detection corpus loader (scripts/detection-corpus.ts).
 */
import type { ScanContext, ScannableSurface } from '../src/risk/types.js';
import type { JsonObject, JsonValue } from '../src/surface/types.js';
import type { Label, OutputText } from './detection-corpus.js';

/** mcptox/drift pairs whose changed side is a harmless edit (upstream flags it as drift only). */
export const MCPTOX_DRIFT_LABELS: Readonly<Record<string, Label>> = {
  'legitimate-upgrade': 'benign',
};

/** The value as a JSON object, or undefined for arrays, primitives and null. */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** The objects of a JSON array (other entries dropped); empty for a non-array. */
export function objectList(value: unknown): JsonObject[] {
  const out: JsonObject[] = [];
  for (const item of Array.isArray(value) ? (value as unknown[]) : []) {
    const object = asObject(item);
    if (object !== undefined) out.push(object);
  }
  return out;
}

/** The lists a surface is built from; missing lists are empty. */
export interface SurfaceParts {
  server?: JsonObject;
  tools?: readonly JsonObject[];
  prompts?: readonly JsonObject[];
  resources?: readonly JsonObject[];
  resourceTemplates?: readonly JsonObject[];
}

function keyed(items: readonly JsonObject[], field: string): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  items.forEach((item, index) => {
    const value = item[field];
    let key = typeof value === 'string' ? value : `#${String(index)}`;
    while (Object.hasOwn(out, key)) key = `${key}#${String(index)}`;
    out[key] = item;
  });
  return out;
}

/** A surface and a standalone scan context (no other servers' tools unless given). */
export function definitionCase(
  parts: SurfaceParts,
  server: string,
  otherTools: ReadonlyMap<string, readonly string[]> = new Map(),
): { surface: ScannableSurface; ctx: ScanContext } {
  return {
    surface: {
      server: parts.server ?? {},
      tools: keyed(parts.tools ?? [], 'name'),
      prompts: keyed(parts.prompts ?? [], 'name'),
      resources: keyed(parts.resources ?? [], 'uri'),
      resourceTemplates: keyed(parts.resourceTemplates ?? [], 'uriTemplate'),
    },
    ctx: { server, otherTools },
  };
}

/** Keys whose string values are not text a model reads (content types, base64 payloads). */
const NON_TEXT_KEYS = new Set(['type', 'mimeType', 'blob', 'data']);

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every string leaf under `value` (skipping content types and base64), with its JSON Pointer. */
export function outputTexts(value: JsonValue | undefined, pointer: string): OutputText[] {
  const out: OutputText[] = [];
  const walk = (v: JsonValue | undefined, at: string): void => {
    if (typeof v === 'string') {
      out.push({ pointer: at, text: v });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, `${at}/${String(i)}`);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (!NON_TEXT_KEYS.has(k)) walk(item, `${at}/${escapePointer(k)}`);
      }
    }
  };
  walk(value, pointer);
  return out;
}

/** What one JSON-RPC message carries, for this measurement. */
export type Carrier =
  | { kind: 'definition'; surface: SurfaceParts; hasServer: boolean }
  | { kind: 'output'; texts: OutputText[] }
  | { kind: 'skip'; reason: string };

function objects(value: JsonValue | undefined): JsonObject[] | undefined {
  return Array.isArray(value) ? objectList(value) : undefined;
}

/**
 * Classifies a message: list results and initialize results are definitions; tool results,
 * resource reads, prompts/get results and server→client sampling/elicitation requests are
 * outputs; client requests (tools/call arguments) are neither.
 */
export function messageCarrier(message: JsonObject): Carrier | undefined {
  const method = message['method'];
  if (method === 'sampling/createMessage' || method === 'elicitation/create') {
    return { kind: 'output', texts: outputTexts(message['params'], '/params') };
  }
  if (typeof method === 'string') {
    return {
      kind: 'skip',
      reason: `client request (${method}): neither a definition nor an output`,
    };
  }
  const result = asObject(message['result']);
  if (result === undefined) return undefined;
  const tools = objects(result['tools']);
  const prompts = objects(result['prompts']);
  const resources = objects(result['resources']);
  const resourceTemplates = objects(result['resourceTemplates']);
  if (tools ?? prompts ?? resources ?? resourceTemplates) {
    return {
      kind: 'definition',
      surface: {
        ...(tools === undefined ? {} : { tools }),
        ...(prompts === undefined ? {} : { prompts }),
        ...(resources === undefined ? {} : { resources }),
        ...(resourceTemplates === undefined ? {} : { resourceTemplates }),
      },
      hasServer: false,
    };
  }
  if (typeof result['protocolVersion'] === 'string') {
    return { kind: 'definition', surface: { server: result }, hasServer: true };
  }
  if (['content', 'contents', 'messages', 'structuredContent'].some((k) => k in result)) {
    return { kind: 'output', texts: outputTexts(result, '/result') };
  }
  return undefined;
}
