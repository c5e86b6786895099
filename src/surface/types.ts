/** JSON as it appears on the wire, after strict parsing (no duplicate keys, bounded depth). */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A digest as Holdfast prints and stores it: `sha256:` followed by 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

/** The keyed lists of a surface, in the order the digest spec names them. */
export const SECTIONS = ['tools', 'prompts', 'resources', 'resourceTemplates'] as const;
/** One keyed list of a surface. */
export type Section = (typeof SECTIONS)[number];

/** The field that keys the items of each section (order never matters, DESIGN §4). */
export const SECTION_KEY: Readonly<Record<Section, string>> = {
  tools: 'name',
  prompts: 'name',
  resources: 'uri',
  resourceTemplates: 'uriTemplate',
};

/**
 * Everything a server advertises, keyed so order does not matter (DESIGN §4).
 * - `server`: from the initialize result: `serverInfo`, `capabilities`, `instructions` (when
 *   present). `protocolVersion` is negotiated per client and lives in the client profile instead.
 * - `launch`: launch provenance (command, redacted args, env var names, executable hash, or URL).
 * - each section: items keyed by name/URI, every field exactly as received.
 */
export interface Surface {
  server: JsonObject;
  launch: JsonObject;
  tools: Record<string, JsonObject>;
  prompts: Record<string, JsonObject>;
  resources: Record<string, JsonObject>;
  resourceTemplates: Record<string, JsonObject>;
}

/** Per-item digests of a surface and the surface digest that commits to them. */
export interface SurfaceDigests {
  surface: Digest;
  server: Digest;
  launch: Digest;
  tools: Record<string, Digest>;
  prompts: Record<string, Digest>;
  resources: Record<string, Digest>;
  resourceTemplates: Record<string, Digest>;
}
