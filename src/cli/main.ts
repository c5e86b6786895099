#!/usr/bin/env node
import { SYSTEM_CLOCK } from '../shared/clock.js';
import type { CliDeps } from './deps.js';
import { EXIT } from './deps.js';
import { commanderExitCode, createProgram } from './program.js';
import { enableLinearRegExpEngine } from './regexp-engine.js';

async function main(): Promise<void> {
  // Before any schema is compiled: patterns in approved schemas run in linear time.
  enableLinearRegExpEngine();
  const deps: CliDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    clock: SYSTEM_CLOCK,
    readStdin: () => readStdin(process.stdin),
  };
  let exitCode: number = EXIT.OK;
  const program = createProgram(deps, (code) => (exitCode = code));
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    const usageExit = commanderExitCode(error);
    if (usageExit !== undefined) {
      process.exitCode = usageExit;
      return;
    }
    process.stderr.write(`holdfast: ${(error as Error).message}\n`);
    process.exitCode = EXIT.FAILURE;
    return;
  }
  // Exiting explicitly ends a finished `run` even if a stream still holds the loop open. Large
  // outputs to a pipe (audit show/export) may still be queued: let both streams flush first.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(exitCode);
}

/** Longest standard input read for `--password-stdin`. */
const MAX_STDIN_BYTES = 64 * 1024;

/** Reads standard input to its end (at most 64 KiB) as UTF-8. */
async function readStdin(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_STDIN_BYTES) throw new Error('standard input is larger than 64 KiB');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

await main();
