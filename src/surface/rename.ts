/**
 * Renamed-looking pairs: an item removed and another added that look alike (`send_email` →
 * `send_mail`, DESIGN §1). Pairing is a hint for reviewers, never a trust decision.
 *
 * Attacker-controlled sizes: pairs are only scored when removed × added is small, descriptions
 * are cut before tokenising and names are cut before the edit distance.
 */
import { isJsonObject } from './snapshot.js';
import type { JsonObject, JsonValue, Section } from './types.js';

/** A removed item (`from`) and an added item (`to`) that look like one renamed item. */
export interface RenamePair {
  readonly from: string;
  readonly to: string;
}

/** Above this many removed × added pairs, no pairing is attempted. */
const MAX_PAIRS = 10_000;
const MAX_TEXT = 10_000;
const MAX_NAME = 64;
/** The similarity score at or above which a pair looks like a rename. */
const RENAME_THRESHOLD = 0.6;

interface Fingerprint {
  readonly key: string;
  readonly words: ReadonlySet<string>;
  readonly shape: ReadonlySet<string>;
}

function toWords(value: JsonValue | undefined): Set<string> {
  if (typeof value !== 'string') return new Set();
  return new Set(
    value
      .slice(0, MAX_TEXT)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [],
  );
}

function toShape(section: Section, item: JsonObject): Set<string> {
  if (section === 'tools') {
    const schema = item['inputSchema'];
    const properties = isJsonObject(schema) ? schema['properties'] : undefined;
    return new Set(isJsonObject(properties) ? Object.keys(properties) : []);
  }
  if (section === 'prompts') {
    const args = item['arguments'];
    const names = (Array.isArray(args) ? args : []).map((a) =>
      isJsonObject(a) ? a['name'] : null,
    );
    return new Set(names.filter((n) => typeof n === 'string'));
  }
  const facts = new Set<string>();
  for (const field of ['name', 'mimeType']) {
    const value = item[field];
    if (typeof value === 'string') facts.add(`${field}=${value}`);
  }
  return facts;
}

const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

function countShared(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared;
}

/** Sørensen–Dice over description words; 0 when either side has none. */
function toTextSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  return a.size === 0 || b.size === 0 ? 0 : (2 * countShared(a, b)) / (a.size + b.size);
}

/** Jaccard over parameter names (or name/mimeType facts); 1 when both sides have none. */
function toShapeSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const shared = countShared(a, b);
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** 1 − normalised Levenshtein distance of the (cut) names. */
function toNameSimilarity(x: string, y: string): number {
  const a = x.slice(0, MAX_NAME);
  const b = y.slice(0, MAX_NAME);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - (previous[b.length] ?? 0) / longest;
}

function toFingerprint(section: Section, key: string, item: JsonObject): Fingerprint {
  return { key, words: toWords(item['description']), shape: toShape(section, item) };
}

/**
 * Pairs of removed and added items of one section that look like renames, best match first.
 * A pair scores 0.5 × description similarity + 0.3 × shape similarity + 0.2 × name similarity.
 */
export function findRenames(
  section: Section,
  removed: readonly string[],
  added: readonly string[],
  before: Readonly<Record<string, JsonObject>>,
  after: Readonly<Record<string, JsonObject>>,
): RenamePair[] {
  if (removed.length === 0 || added.length === 0 || removed.length * added.length > MAX_PAIRS) {
    return [];
  }
  const olds = removed.map((k) => toFingerprint(section, k, before[k] ?? {}));
  const news = added.map((k) => toFingerprint(section, k, after[k] ?? {}));
  const candidates: { from: string; to: string; score: number }[] = [];
  for (const x of olds) {
    for (const y of news) {
      const score =
        0.5 * toTextSimilarity(x.words, y.words) +
        0.3 * toShapeSimilarity(x.shape, y.shape) +
        0.2 * toNameSimilarity(x.key, y.key);
      if (score >= RENAME_THRESHOLD) candidates.push({ from: x.key, to: y.key, score });
    }
  }
  candidates.sort((p, q) => q.score - p.score || compare(p.from, q.from) || compare(p.to, q.to));
  const usedFrom = new Set<string>();
  const usedTo = new Set<string>();
  const pairs: RenamePair[] = [];
  for (const { from, to } of candidates) {
    if (usedFrom.has(from) || usedTo.has(to)) continue;
    usedFrom.add(from);
    usedTo.add(to);
    pairs.push({ from, to });
  }
  return pairs;
}
