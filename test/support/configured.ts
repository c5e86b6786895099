/**
 * `holdfast run --config` around the rug-pull server, for end-to-end tests of configured
 * behaviour: the configuration is written to a file, and the server records every call it gets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Connected, ConnectOptions } from './holdfast.js';
import { connectThroughHoldfast } from './holdfast.js';
import type { Recorded } from './received.js';
import { callsReceived } from './received.js';
import type { RugpullConfig } from './rugpull-config.js';

/** Extra connect options; `server` is a rug-pull configuration (its `recordFile` is set here). */
export type ConfiguredOptions = Partial<Omit<ConnectOptions, 'server'>> & {
  server?: RugpullConfig;
};

/**
 * Connects through holdfast with `yaml` as its configuration (written into `dir`), lists the tools
 * once, and returns the connection with the `tools/call` requests the server received.
 */
export async function connectConfigured(
  home: string,
  dir: string,
  yaml: string,
  options: ConfiguredOptions = {},
): Promise<Connected & { serverGot: () => Recorded[] }> {
  const config = join(dir, 'holdfast.yaml');
  writeFileSync(config, yaml);
  const recordFile = join(dir, 'received.jsonl');
  const { server, ...rest } = options;
  const c = await connectThroughHoldfast({
    home,
    runArgs: ['--config', config],
    ...rest,
    server: { ...server, recordFile },
  });
  await c.client.listTools(undefined, { cacheMode: 'bypass' });
  return Object.assign(c, { serverGot: () => callsReceived(recordFile) });
}
