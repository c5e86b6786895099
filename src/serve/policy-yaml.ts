/**
 * The policy keys of a configuration file as YAML text (`mode`, `default_verdict`, `rules`,
 * `egress`): validating a text a human edited, cutting those keys out of the file for the editor,
 * and putting them back into the file with the `yaml` Document API, so every other key and every
 * comment of the file survives.
 */
import type { Document, Pair, ParsedNode } from 'yaml';
import { isMap, isScalar, parseDocument } from 'yaml';

import type { Config } from '../config/schema.js';
import type { PolicyConfig } from '../policy/index.js';
import { PolicyConfigSchema } from '../policy/index.js';
import { ConfigError } from '../shared/errors.js';
import { sha256Digest } from '../surface/digest.js';
import type { JsonValue } from '../surface/types.js';

/** The top-level keys the rules editor owns, in the order they are written. */
export const POLICY_KEYS = ['mode', 'default_verdict', 'rules', 'egress'] as const;
const POLICY_KEY_SET: ReadonlySet<string> = new Set(POLICY_KEYS);
/** Same bounds as the config loader (config/load.ts). */
const PARSE_OPTIONS = { uniqueKeys: true } as const;
const MAX_ALIAS_COUNT = 100;

interface Issue {
  path: string;
  message: string;
}
type ParsedPair = Pair<ParsedNode, ParsedNode | null>;

/** The policy part of a configuration. */
export function toPolicyConfig(config: Config): PolicyConfig {
  return {
    mode: config.mode,
    default_verdict: config.default_verdict,
    rules: config.rules,
    egress: config.egress,
  };
}

/** `sha256:` digest of the policy part's RFC 8785 JSON: names a version of the rules in the log. */
export function policyDigest(policy: PolicyConfig): string {
  return sha256Digest(JSON.parse(JSON.stringify(policy)) as JsonValue);
}

/**
 * Parses the YAML a human submitted: a mapping of the policy keys only (a key left out takes its
 * default). Reports every bad field at once.
 * @throws ConfigError `CONFIG_INVALID` with field paths.
 */
export function parsePolicyYaml(text: string): {
  policy: PolicyConfig;
  document: Document.Parsed;
} {
  const document = parseDocument(text, PARSE_OPTIONS);
  const [syntax] = document.errors;
  if (syntax !== undefined) {
    const message = `not valid YAML (${syntax.message.split('\n')[0] ?? ''})`;
    throw new ConfigError('CONFIG_INVALID', `rules: ${message}`, [{ path: '(yaml)', message }]);
  }
  const raw: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid([{ path: '(root)', message: 'must be a mapping of the policy keys' }]);
  }
  const issues: Issue[] = Object.keys(raw)
    .filter((key) => !POLICY_KEY_SET.has(key))
    .map((key) => ({
      path: key,
      message: `not a rules key (${POLICY_KEYS.join(', ')}); edit it in the config file`,
    }));
  const known = Object.fromEntries(Object.entries(raw).filter(([key]) => POLICY_KEY_SET.has(key)));
  const result = PolicyConfigSchema.safeParse(known);
  if (!result.success) {
    issues.push(
      ...result.error.issues.map((issue) => ({
        path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  if (issues.length > 0 || !result.success) throw invalid(issues);
  return { policy: result.data, document };
}

/**
 * `fileText` with its policy keys replaced by those of `submitted` (keys `submitted` leaves out are
 * removed, so they take their defaults); every other key and comment is kept.
 * @throws ConfigError `CONFIG_UNREADABLE` when the file is not a YAML mapping.
 */
export function replacePolicyKeys(fileText: string, submitted: Document.Parsed): string {
  const file = toMappingDocument(fileText);
  if (file === undefined || !isMap(file.contents)) {
    throw new ConfigError('CONFIG_UNREADABLE', 'the config file is not a YAML mapping any more');
  }
  const map = file.contents;
  const incoming = policyPairs(submitted);
  for (const key of POLICY_KEYS) {
    const pair = incoming.get(key);
    const at = map.items.findIndex((item) => isScalar(item.key) && item.key.value === key);
    // The whole pair is taken, so the comments the human kept or wrote in the editor are written.
    if (pair === undefined) map.delete(key);
    else if (at >= 0) map.items[at] = pair;
    else map.items.push(pair);
  }
  return file.toString();
}

/** The file as a document whose contents are a mapping (an empty file becomes an empty one). */
function toMappingDocument(fileText: string): Document.Parsed | undefined {
  const file = parseDocument(fileText, PARSE_OPTIONS);
  if (file.errors.length > 0) return undefined;
  if (file.contents !== null) return file;
  const empty = parseDocument('{}', PARSE_OPTIONS);
  if (isMap(empty.contents)) empty.contents.flow = false;
  empty.commentBefore = file.commentBefore ?? null;
  return empty;
}

/**
 * The policy keys of `fileText` as their own YAML text, with the file's comments; undefined when
 * the file does not parse or the keys do not stand on their own (aliases into other keys).
 */
export function extractPolicyYaml(fileText: string): string | undefined {
  const file = parseDocument(fileText, PARSE_OPTIONS);
  if (file.errors.length > 0 || !isMap(file.contents)) return undefined;
  const out = parseDocument('{}', PARSE_OPTIONS);
  if (!isMap(out.contents)) return undefined;
  out.contents.flow = false;
  // In the file's own order, so the editor shows the keys where the file has them.
  out.contents.items.push(...policyPairs(file).values());
  try {
    return out.contents.items.length === 0 ? '' : out.toString();
  } catch {
    return undefined;
  }
}

/** The top-level pairs of `document` whose key is a policy key. */
function policyPairs(document: Document.Parsed): Map<string, ParsedPair> {
  const pairs = new Map<string, ParsedPair>();
  if (!isMap(document.contents)) return pairs;
  for (const pair of document.contents.items) {
    if (isScalar(pair.key) && typeof pair.key.value === 'string') {
      if (POLICY_KEY_SET.has(pair.key.value)) pairs.set(pair.key.value, pair);
    }
  }
  return pairs;
}

function invalid(issues: Issue[]): ConfigError {
  return new ConfigError(
    'CONFIG_INVALID',
    `rules: ${issues.length} invalid field(s):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    issues,
  );
}
