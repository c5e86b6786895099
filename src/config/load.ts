import { parse } from 'yaml';

import type { CompiledPolicy } from '../policy/index.js';
import { compilePolicy } from '../policy/index.js';
import type { RiskSettings } from '../risk/index.js';
import { BANDS, DEFAULT_RISK_SETTINGS } from '../risk/index.js';
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

/**
 * The configuration's rules, compiled, with the argument depth bound matching the message depth
 * limit (`limits.max_depth`), so anything that parsed can be evaluated.
 * @throws ConfigError listing every problem in the rules at once.
 */
export function compileConfiguredPolicy(config: Config): CompiledPolicy {
  return compilePolicy(config, { limits: { maxArgumentDepth: config.limits.max_depth } });
}

/** The configuration's risk settings: thresholds and band modes over the engine's defaults. */
export function toRiskSettings(config: Config): RiskSettings {
  const modes = { ...DEFAULT_RISK_SETTINGS.modes };
  for (const band of BANDS) {
    const mode = config.risk.modes[band];
    if (mode !== undefined) modes[band] = mode;
  }
  return {
    thresholds: config.risk.thresholds ?? DEFAULT_RISK_SETTINGS.thresholds,
    modes,
  };
}
