/**
 * `holdfast keys create|list|revoke` (docs/cli.md, docs/auth.md): agent keys for `holdfast serve`.
 * A key is printed once, when it is created; only the SHA-256 of its secret is stored. Every change
 * is recorded in the audit log as `cli:$USER`.
 */
import {
  AGENT_KEY_ID_PATTERN,
  KEY_NAME_PATTERN,
  mintAgentKey,
  toAccessEvent,
} from '../../auth/index.js';
import type { AgentKeyRecord } from '../../store/ports.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { cliActor, EXIT, toTerminalSafe, writeJson, writeTable } from '../deps.js';
import { signAccessChange, toIso, withAccessStore } from './access-io.js';

/** One key as `holdfast keys list --json` prints it (never its hash). */
export interface KeySummary {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

/** `holdfast keys create NAME`: mints a key and prints it once. */
export async function keysCreateCommand(
  name: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (!KEY_NAME_PATTERN.test(name)) {
    deps.stderr.write(
      `holdfast: ${toTerminalSafe(name)} is not a key name (1-64 letters, digits, ".", "_", "-")\n`,
    );
    return EXIT.USAGE;
  }
  return withAccessStore(options, deps, async (store) => {
    const taken = (await store.listAgentKeys()).some(
      (k) => k.name === name && k.revokedAt === null,
    );
    if (taken) {
      deps.stderr.write(`holdfast: refused: a live key is named ${name}; revoke it first\n`);
      return EXIT.REFUSED;
    }
    const minted = mintAgentKey();
    const at = deps.clock.now();
    const by = cliActor(deps.env);
    const record: AgentKeyRecord = {
      id: minted.id,
      name,
      secretHash: minted.secretHash,
      createdAt: at,
      createdBy: by,
      revokedAt: null,
    };
    await store.createAgentKey(
      record,
      toAccessEvent(at, 'key-create', by, { id: minted.id, name }),
    );
    await signAccessChange(store, options, deps);
    if (options.json === true) {
      writeJson(deps, { id: minted.id, name, key: minted.token });
    } else {
      deps.stdout.write(
        `Created agent key ${name} (${minted.id}). It is shown only this once:\n\n` +
          `  ${minted.token}\n\n` +
          'Agents send it as: Authorization: Bearer <key>\n',
      );
    }
    return EXIT.OK;
  });
}

/** `holdfast keys list`: every key, oldest first, revoked ones too. */
export async function keysListCommand(options: GlobalOptions, deps: CliDeps): Promise<number> {
  return withAccessStore(options, deps, async (store) => {
    const keys = (await store.listAgentKeys()).map(toKeySummary);
    if (options.json === true) {
      writeJson(deps, { keys });
      return EXIT.OK;
    }
    if (keys.length === 0) {
      deps.stdout.write('No agent keys. Create one with: holdfast keys create NAME\n');
      return EXIT.OK;
    }
    const rows = keys.map((k) => [
      k.id,
      k.name,
      k.createdAt,
      toTerminalSafe(k.createdBy),
      k.revokedAt === null ? 'live' : `revoked ${k.revokedAt}`,
    ]);
    writeTable(deps, ['ID', 'NAME', 'CREATED', 'BY', 'STATUS'], rows);
    return EXIT.OK;
  });
}

/** `holdfast keys revoke ID`: the key stops working at once (exit 3 if already revoked). */
export async function keysRevokeCommand(
  id: string,
  options: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (!AGENT_KEY_ID_PATTERN.test(id)) return notFound(id, deps);
  return withAccessStore(options, deps, async (store) => {
    const key = await store.getAgentKey(id);
    if (key === undefined) return notFound(id, deps);
    const at = deps.clock.now();
    const by = cliActor(deps.env);
    const event = toAccessEvent(at, 'key-revoke', by, { id, name: key.name });
    const isRevoked = key.revokedAt === null && (await store.revokeAgentKey(id, at, event));
    if (!isRevoked) {
      const when = toIso(key.revokedAt) ?? 'just now';
      deps.stderr.write(`holdfast: refused: key ${id} was already revoked (${when})\n`);
      return EXIT.REFUSED;
    }
    await signAccessChange(store, options, deps);
    if (options.json === true) writeJson(deps, { id, name: key.name, revokedAt: toIso(at) });
    else deps.stdout.write(`Revoked agent key ${key.name} (${id}).\n`);
    return EXIT.OK;
  });
}

function toKeySummary(key: AgentKeyRecord): KeySummary {
  return {
    id: key.id,
    name: key.name,
    createdAt: toIso(key.createdAt) ?? '',
    createdBy: key.createdBy,
    revokedAt: toIso(key.revokedAt),
  };
}

function notFound(id: string, deps: CliDeps): number {
  deps.stderr.write(`holdfast: no agent key with id ${toTerminalSafe(id)}\n`);
  return EXIT.NOT_FOUND;
}
