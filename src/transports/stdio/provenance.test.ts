import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openFileHashCache } from './hash-cache.js';
import { redactArgs, toLaunchProvenance, toRemoteProvenance } from './provenance.js';

describe('redactArgs', () => {
  it.each([
    [
      ['--api-key', 'hunter2'],
      ['--api-key', '<redacted>'],
    ],
    [['--token=abc123'], ['--token=<redacted>']],
    [
      ['--password', 'p'],
      ['--password', '<redacted>'],
    ],
    [['GITHUB_TOKEN=ghp_x'], ['GITHUB_TOKEN=<redacted>']],
    [['ghp_1234567890abcdefghijklmnopqrstuvwxyz'], ['<redacted>']],
    [['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx'], ['<redacted>']],
    [['Zx81kQp02LmNvB73TrWs95YaHc'], ['<redacted>']],
    [['https://user:pw@db.example/x?key=1'], ['https://redacted:redacted@db.example/x?redacted']],
  ])('redacts secret-shaped arguments %j', (args, expected) => {
    expect(redactArgs(args)).toEqual(expected);
  });

  it('keeps ordinary arguments, paths and package specs', () => {
    const args = [
      '-y',
      '@modelcontextprotocol/server-filesystem@2026.8.31',
      '/tmp/some/dir',
      '--port',
      '3000',
      'https://api.example/mcp',
    ];
    expect(redactArgs(args)).toEqual(args);
  });
});

const SCRIPT_SHA256 = '3879a5d930ae1999b278a3a498f7de3fd83ba8dae59330fcfa2db31c103ac21d';

describe('toLaunchProvenance', () => {
  it('records env var names only, resolves the executable and hashes script files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-prov-'));
    const script = join(dir, 'server.js');
    writeFileSync(script, 'console.log(1)\n');
    const provenance = toLaunchProvenance({
      command: 'node',
      args: [script, '--api-key', 'hunter2'],
      envNames: ['API_TOKEN', 'API_TOKEN', 'HOME'],
      cwd: dir,
      path: process.env['PATH'] ?? '',
    });
    expect(provenance['envNames']).toEqual(['API_TOKEN', 'HOME']);
    expect(provenance['args']).toEqual([script, '--api-key', '<redacted>']);
    // sha256("console.log(1)\n"), computed with sha256sum.
    expect(provenance['files']).toEqual({ [script]: `sha256:${SCRIPT_SHA256}` });
    const executable = provenance['executable'] as { path: string; sha256: string };
    expect(executable.path).toMatch(/node$/);
    expect(executable.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(provenance)).not.toContain('hunter2');
  });

  it('reuses a cached digest only while the file keeps its identity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-prov-'));
    const script = join(dir, 'server.js');
    writeFileSync(script, 'console.log(1)\n');
    const cache = openFileHashCache(join(dir, 'cache.json'));
    const input = { command: 'node', args: [script], envNames: [], cwd: dir, path: '' };
    const first = toLaunchProvenance({ ...input, hashCache: cache });
    cache.save();
    const reopened = openFileHashCache(join(dir, 'cache.json'));
    expect(toLaunchProvenance({ ...input, hashCache: reopened })['files']).toEqual(first['files']);
    writeFileSync(script, 'console.log(2)\n'); // same size, new content: mtime/ctime move
    const changed = toLaunchProvenance({ ...input, hashCache: reopened })['files'] as Record<
      string,
      string
    >;
    expect(changed[script]).not.toBe((first['files'] as Record<string, string>)[script]);
    expect(statSync(join(dir, 'cache.json')).mode & 0o777).toBe(0o600);
  });

  it('names the package of an npx launch', () => {
    const provenance = toLaunchProvenance({
      command: 'npx',
      args: ['-y', '@scope/pkg@1.2.3'],
      envNames: [],
      cwd: '/',
      path: '',
    });
    expect(provenance['package']).toBe('@scope/pkg@1.2.3');
    expect(provenance['executable']).toBeNull();
  });
});

describe('toRemoteProvenance', () => {
  it('drops credentials, query values and fragments from the URL but keeps query names', () => {
    const provenance = toRemoteProvenance(
      new URL('https://me:secret@api.example/mcp?apiKey=s3cr3t&tenant=a#x'),
      'auto',
    );
    expect(provenance).toEqual({
      kind: 'remote',
      url: 'https://api.example/mcp',
      queryNames: ['apiKey', 'tenant'],
      transport: 'auto',
    });
  });
});
