import { describe, expect, it } from 'vitest';

import { useCliHarness } from '../../../test/support/cli-fixtures.js';
import type { CliDeps } from '../deps.js';
import { EXIT } from '../deps.js';
import { commanderExitCode, createProgram } from '../program.js';

const cli = useCliHarness('holdfast-cli-access-program-');

/** Parses `args` as typed on the command line, with `stdin` on standard input. */
async function holdfast(args: string[], stdin?: string): Promise<number | undefined> {
  const deps: CliDeps = {
    ...cli.deps,
    ...(stdin === undefined ? {} : { readStdin: () => Promise.resolve(stdin) }),
  };
  let code: number | undefined;
  const program = createProgram(deps, (exit) => (code = exit));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    const usage = commanderExitCode(error);
    if (usage === undefined) throw error;
    code = usage;
  }
  return code;
}

describe('the keys and users command groups', () => {
  it('pass names, roles, --password-stdin and --json through to the commands', async () => {
    expect(
      await holdfast(
        ['users', 'add', 'ada', '--role', 'admin', '--password-stdin'],
        'a long enough passphrase\n',
      ),
    ).toBe(EXIT.OK);
    expect(await holdfast(['users', 'set-role', 'ada', 'viewer', '--json'])).toBe(EXIT.OK);
    expect(cli.out()).toContain('"previousRole": "admin"');
    cli.clearOut();
    expect(await holdfast(['--json', 'keys', 'create', 'ci'])).toBe(EXIT.OK);
    const { id } = JSON.parse(cli.out()) as { id: string };
    cli.clearOut();
    expect(await holdfast(['keys', 'list', '--json'])).toBe(EXIT.OK);
    expect(JSON.parse(cli.out())).toMatchObject({ keys: [{ id, name: 'ci' }] });
    expect(await holdfast(['keys', 'revoke', id])).toBe(EXIT.OK);
    expect(await holdfast(['users', 'token', 'ada', '--label', 'laptop'])).toBe(EXIT.OK);
    expect(await holdfast(['users', 'tokens'])).toBe(EXIT.OK);
    expect(
      await holdfast(['users', 'passwd', 'ada', '--password-stdin'], 'another long passphrase'),
    ).toBe(EXIT.OK);
    expect(await holdfast(['users', 'remove', 'ada'])).toBe(EXIT.OK);
    expect(await holdfast(['users', 'list'])).toBe(EXIT.OK);
  });

  it.each([
    ['users add without --role', ['users', 'add', 'ada']],
    ['users add with an unknown role', ['users', 'add', 'ada', '--role', 'root']],
    ['users set-role with an unknown role', ['users', 'set-role', 'ada', 'owner']],
    ['users passwd without --password-stdin', ['users', 'passwd', 'ada']],
    ['keys create without a name', ['keys', 'create']],
  ])('exits 2 for %s', async (_case, args) => {
    expect(await holdfast(args)).toBe(EXIT.USAGE);
  });
});
