/**
 * The state directory: owner-only, and no secret from the launch (arguments, environment values)
 * ever lands in it, while the identity still pins what was launched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { connectThroughHoldfast, createTempHome, runCliJson } from '../support/holdfast.js';
import { rugpullCommand } from '../support/rugpull-config.js';

describe('the state directory', () => {
  it(
    verifies(
      'state:owner-only-no-secrets',
      'is owner-only and never stores secrets from arguments or environment values',
    ),
    async () => {
      using home = createTempHome();
      const state = join(home.home, 'state');
      const server = rugpullCommand({});
      {
        await using c = await connectThroughHoldfast({
          home: state,
          runArgs: ['--pin-env', 'NOTES_TOKEN'],
          server: {
            command: server.command,
            args: [
              ...server.args,
              '--api-key',
              'hunter2-arg-secret',
              'GITHUB_TOKEN=ghp_argsecretvalue0000000000',
            ],
            env: { ...server.env, NOTES_TOKEN: 'env-secret-value-42' },
          },
        });
        await c.client.listTools(undefined, { cacheMode: 'bypass' });
      }
      expect(statSync(state).mode & 0o777).toBe(0o700);
      for (const file of readdirSync(state)) {
        const path = join(state, file);
        expect(statSync(path).mode & 0o777, file).toBe(0o600);
        const bytes = readFileSync(path).toString('latin1');
        for (const secret of ['hunter2-arg-secret', 'ghp_argsecretvalue', 'env-secret-value-42']) {
          expect(bytes, `${file} contains a secret`).not.toContain(secret);
        }
      }
      const diff = runCliJson<{
        diff: { after: { launch: { args: string[]; envNames: string[] } } };
      }>(['diff', 'notes'], state);
      expect(diff.diff.after.launch.envNames).toEqual(['NOTES_TOKEN']);
      expect(diff.diff.after.launch.args).toContain('<redacted>');
    },
  );
});
