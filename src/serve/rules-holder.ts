/**
 * The rules in force in `holdfast serve`, and the one way to change them while it runs (the
 * console's rules editor). A replacement is validated like the config file (every bad field
 * listed), written into the config file atomically with every other key and comment kept, recorded
 * in the audit log with the human who made it, and only then swapped in: each new decision uses it.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

import { stringify } from 'yaml';

import type { AuditEvent } from '../audit/entry.js';
import { compileConfiguredPolicy, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { RulesHolder } from '../console/deps.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { Clock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import type { AuditStore } from '../store/index.js';
import { digestEquals } from '../surface/digest.js';
import {
  extractPolicyYaml,
  parsePolicyYaml,
  policyDigest,
  replacePolicyKeys,
  toPolicyConfig,
} from './policy-yaml.js';

/** Options for {@link createRulesHolder}. */
export interface RulesHolderOptions {
  /** The configuration serve started with. */
  config: Config;
  /** Its rules, compiled already (else they are compiled here). */
  policy?: CompiledPolicy;
  /** Its file (`--config`); without one the rules can be read but not replaced. */
  path?: string | undefined;
  /** Where the `config` audit entry of each replacement goes. */
  store: Pick<AuditStore, 'appendAudit'>;
  clock: Clock;
  /** One line per replacement (who, which digest); never the rules' text. */
  log?: (line: string) => void;
}

/** Owner-only, like every other state file (DESIGN §13). */
const FILE_MODE = 0o600;

/**
 * Holds `options.config`'s compiled rules.
 * @throws ConfigError when the configuration's rules do not compile.
 */
export function createRulesHolder(options: RulesHolderOptions): RulesHolder {
  return new FileRulesHolder(options);
}

class FileRulesHolder implements RulesHolder {
  readonly path: string | undefined;
  #config: Config;
  #policy: CompiledPolicy;
  readonly #audit: Pick<AuditStore, 'appendAudit'>;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  /** Replacements run one at a time: each reads the file the previous one wrote. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: RulesHolderOptions) {
    this.path = options.path;
    this.#config = options.config;
    this.#policy = options.policy ?? compileConfiguredPolicy(options.config);
    this.#audit = options.store;
    this.#clock = options.clock;
    this.#log = options.log ?? (() => undefined);
  }

  current(): CompiledPolicy {
    return this.#policy;
  }

  config(): Config {
    return this.#config;
  }

  yaml(): string {
    const inForce = toPolicyConfig(this.#config);
    const fromFile = this.path === undefined ? undefined : readPolicyText(this.path);
    // The file's text (with its comments) only when it says exactly what is in force.
    if (fromFile !== undefined && isSamePolicy(fromFile, inForce)) return fromFile;
    return stringify(inForce);
  }

  replace(yamlText: string, by: string): Promise<void> {
    const run = this.#queue.then(() => this.#replace(yamlText, by));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #replace(yamlText: string, by: string): Promise<void> {
    const { policy, document } = parsePolicyYaml(yamlText);
    const next: Config = { ...this.#config, ...policy };
    const compiled = compileConfiguredPolicy(next);
    const path = this.path;
    if (path === undefined) {
      throw new ConfigError(
        'CONFIG_UNREADABLE',
        'the rules cannot be saved: holdfast serve was started without --config',
      );
    }
    const before = readConfigFile(path);
    const after = replacePolicyKeys(before, document);
    // What is written must read back as exactly what was validated (aliases could resolve to
    // anchors elsewhere in the file), and the file must still load as a whole.
    const written = toPolicyConfig(parseConfig(after, path));
    const digest = policyDigest(policy);
    if (!digestEquals(policyDigest(written), digest)) {
      throw new ConfigError(
        'CONFIG_INVALID',
        'rules: the file would not read back as these rules (anchors or aliases clash with the file); write them without anchors',
        [{ path: '(yaml)', message: 'anchors or aliases clash with the config file' }],
      );
    }
    writeAtomically(path, after);
    const event: AuditEvent = {
      at: this.#clock.now(),
      server: '',
      kind: 'config',
      data: { action: 'rules-replaced', by, digest, rules: policy.rules.length },
    };
    try {
      await this.#audit.appendAudit([event]);
    } catch (error) {
      // Nothing unrecorded stays in force, on disk either (I4): put the old file back.
      writeAtomically(path, before);
      throw error;
    }
    this.#config = next;
    this.#policy = compiled;
    this.#log(`rules replaced by ${by}: ${policy.rules.length} rule(s), ${digest}`);
  }
}

function isSamePolicy(text: string, policy: ReturnType<typeof toPolicyConfig>): boolean {
  try {
    return digestEquals(policyDigest(parsePolicyYaml(text).policy), policyDigest(policy));
  } catch {
    return false;
  }
}

function readPolicyText(path: string): string | undefined {
  try {
    return extractPolicyYaml(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read the config file (${code})`, [], {
      cause: error,
    });
  }
}

/** Writes `text` beside `path`, flushes it, and renames it over `path` (owner-only). */
function writeAtomically(path: string, text: string): void {
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(aside, 'wx', FILE_MODE);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, path);
  } catch (error) {
    try {
      unlinkSync(aside);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
  syncDirectory(dirname(path));
}

/** Makes the rename durable where the platform allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (e.g. on Windows); the rename itself is atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
