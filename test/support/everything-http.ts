/**
 * Starts `@modelcontextprotocol/server-everything` in an HTTP mode on a free loopback port.
 * server-everything calls `app.listen(process.env.PORT)` on every interface; a preload binds it to
 * 127.0.0.1 and prints the port the OS chose for PORT=0, so tests need neither fixed ports nor sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll } from 'vitest';

const PRELOAD = `import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] !== 'object' && typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  this.once('listening', () => process.stderr.write('HOLDFAST_PORT=' + this.address().port + '\\n'));
  return listen.apply(this, args);
};`;

/** The server-everything entry point (stdio, sse or streamableHttp by its first argument). */
export const EVERYTHING = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-everything/dist/index.js',
);

/** A running HTTP server-everything. */
export interface RunningEverything extends AsyncDisposable {
  port: number;
  child: ChildProcess;
}

/** Starts server-everything in `mode` and resolves once it listens. */
export async function startEverything(mode: 'sse' | 'streamableHttp'): Promise<RunningEverything> {
  const preload = `data:text/javascript,${encodeURIComponent(PRELOAD)}`;
  const child = spawn(process.execPath, ['--import', preload, EVERYTHING, mode], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  const stderr = child.stderr;
  for await (const line of createInterface({ input: stderr })) {
    if (line.startsWith('HOLDFAST_PORT=')) {
      stderr.resume(); // keep draining so the server never blocks on a full pipe
      return {
        port: Number(line.slice('HOLDFAST_PORT='.length)),
        child,
        [Symbol.asyncDispose]: stop,
      };
    }
  }
  await stop();
  throw new Error(`server-everything ${mode} exited before listening`);
}

/** The ports of the two server-everything processes {@link useEverythingServers} runs. */
export interface EverythingPorts {
  streamable: () => number;
  sse: () => number;
}

/**
 * Starts server-everything in Streamable HTTP mode and in legacy SSE mode once for the calling
 * test file (`beforeAll`), and stops both after it (`afterAll`).
 */
export function useEverythingServers(): EverythingPorts {
  let streamable: RunningEverything | undefined;
  let sse: RunningEverything | undefined;
  beforeAll(async () => {
    [streamable, sse] = await Promise.all([
      startEverything('streamableHttp'),
      startEverything('sse'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([streamable?.[Symbol.asyncDispose](), sse?.[Symbol.asyncDispose]()]);
  });
  const portOf = (running: RunningEverything | undefined): number => {
    if (running === undefined) throw new Error('server-everything is not running');
    return running.port;
  };
  return { streamable: () => portOf(streamable), sse: () => portOf(sse) };
}
