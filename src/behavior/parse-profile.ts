/**
 * Reads a profile back from storage. The store is outside the process's control (a file, a shared
 * database), so nothing is assumed: every field is checked for type and range, unknown fields are
 * refused, and anything off throws `BEHAVIOR_PROFILE_CORRUPT` naming the field, never its value.
 */
import { BehaviorError } from './errors.js';
import type { Fingerprint, LastAlerts, RunningStat, ToolProfile } from './profile.js';
import { createFingerprint } from './profile.js';
import { MAX_ERROR_WINDOW, MAX_FINGERPRINT_ENTRIES } from './settings.js';

/** Longest fingerprint entry this code writes (paths are cut well before). */
export const MAX_ENTRY_CHARS = 1024;

const PROFILE_KEYS = [
  'v',
  'calls',
  'learnedCalls',
  'learnedErrors',
  'recentErrors',
  'recentCount',
  'size',
  'latency',
  'contentTypes',
  'paths',
  'hosts',
  'lastAlert',
];

function corrupt(field: string, why: string): BehaviorError {
  return new BehaviorError(
    'BEHAVIOR_PROFILE_CORRUPT',
    `Stored behaviour profile: ${field} ${why}`,
    {
      details: { field },
    },
  );
}

function record(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt(field, 'is not an object');
  }
  const object = value as Record<string, unknown>;
  const present = Object.keys(object);
  if (present.length !== keys.length || !keys.every((key) => Object.hasOwn(object, key))) {
    throw corrupt(field, 'does not have exactly the expected fields');
  }
  return object;
}

function count(value: unknown, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
    throw corrupt(field, 'is not a count in range');
  }
  return value as number;
}

function real(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw corrupt(field, 'is not a finite non-negative number');
  }
  return value;
}

function stat(value: unknown, field: string, calls: number): RunningStat {
  const object = record(value, field, ['n', 'mean', 'm2']);
  const n = count(object['n'], `${field}.n`, calls);
  const mean = real(object['mean'], `${field}.mean`);
  const m2 = real(object['m2'], `${field}.m2`);
  if (n === 0 && (mean !== 0 || m2 !== 0)) throw corrupt(field, 'has moments without samples');
  return Object.freeze({ n, mean, m2 });
}

function fingerprint(value: unknown, field: string, learnedCalls: number): Fingerprint {
  const object = record(value, field, ['entries', 'noveltyCalls', 'overflowed']);
  const entries = object['entries'];
  if (!Array.isArray(entries) || entries.length > MAX_FINGERPRINT_ENTRIES) {
    throw corrupt(`${field}.entries`, 'is not a bounded array');
  }
  const seen = new Set<string>();
  for (const entry of entries as unknown[]) {
    if (typeof entry !== 'string' || entry === '' || entry.length > MAX_ENTRY_CHARS) {
      throw corrupt(`${field}.entries`, 'holds something other than a short string');
    }
    if (seen.has(entry)) throw corrupt(`${field}.entries`, 'holds a duplicate');
    seen.add(entry);
  }
  const noveltyCalls = count(object['noveltyCalls'], `${field}.noveltyCalls`, learnedCalls);
  const overflowed = object['overflowed'];
  if (typeof overflowed !== 'boolean') throw corrupt(`${field}.overflowed`, 'is not a boolean');
  return createFingerprint([...seen], noveltyCalls, overflowed);
}

function lastAlert(value: unknown, calls: number): LastAlerts {
  const object = record(value, 'lastAlert', ['size', 'latency', 'errorRate']);
  return Object.freeze({
    size: count(object['size'], 'lastAlert.size', calls),
    latency: count(object['latency'], 'lastAlert.latency', calls),
    errorRate: count(object['errorRate'], 'lastAlert.errorRate', calls),
  });
}

/**
 * Validates data read back from storage and returns it as a (frozen) profile.
 * @throws BehaviorError `BEHAVIOR_PROFILE_CORRUPT` for anything this code would not have written.
 */
export function parseProfile(value: unknown): ToolProfile {
  const object = record(value, 'profile', PROFILE_KEYS);
  if (object['v'] !== 1) throw corrupt('v', 'is not a supported version');
  const calls = count(object['calls'], 'calls', Number.MAX_SAFE_INTEGER);
  const learnedCalls = count(object['learnedCalls'], 'learnedCalls', calls);
  const learnedErrors = count(object['learnedErrors'], 'learnedErrors', learnedCalls);
  const recentCount = count(
    object['recentCount'],
    'recentCount',
    Math.min(calls, MAX_ERROR_WINDOW),
  );
  const recentErrors = count(object['recentErrors'], 'recentErrors', 2 ** recentCount - 1);
  return Object.freeze({
    v: 1,
    calls,
    learnedCalls,
    learnedErrors,
    recentErrors,
    recentCount,
    size: stat(object['size'], 'size', calls),
    latency: stat(object['latency'], 'latency', calls),
    contentTypes: fingerprint(object['contentTypes'], 'contentTypes', learnedCalls),
    paths: fingerprint(object['paths'], 'paths', learnedCalls),
    hosts: fingerprint(object['hosts'], 'hosts', learnedCalls),
    lastAlert: lastAlert(object['lastAlert'], calls),
  });
}
