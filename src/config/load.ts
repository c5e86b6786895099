import { parse } from 'yaml';

import { ConfigError } from '../shared/errors.js';
import type { Config } from './schema.js';
import { ConfigSchema } from './schema.js';

/**
 * Validates configuration text (YAML or JSON), reporting every bad field at once with its path.
 * An empty document means "all defaults".
 */
export function parseConfig(text: string, source: string): Config {
  let raw: unknown;
  try {
    raw = parse(text, { uniqueKeys: true, maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${source}: not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})`,
      [],
      { cause: error },
    );
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new ConfigError(
      'CONFIG_INVALID',
      `${source}: ${issues.length} invalid field(s):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
  return result.data;
}

/** The configuration used when no file is given. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
