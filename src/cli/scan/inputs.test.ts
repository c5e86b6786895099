import { describe, expect, it } from 'vitest';

import { thrown } from '../../../test/support/thrown.js';
import { ConfigError, SurfaceError } from '../../shared/errors.js';
import { parseClientConfig, parseToolList } from './inputs.js';
import { blankJsonComments } from './jsonc.js';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64, maxItems: 100 };
const TOOLS = [
  { name: 'read_note', description: 'Read a note.' },
  { name: 'add_note', description: 'Add a note.' },
];

function expectSurfaceError(fn: () => unknown, code: SurfaceError['code']): SurfaceError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(SurfaceError);
  expect((error as SurfaceError).code).toBe(code);
  return error as SurfaceError;
}

function expectConfigIssues(fn: () => unknown): { path: string; message: string }[] {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  return [...(error as ConfigError).issues];
}

describe('parseToolList', () => {
  it.each([
    ['a tools/list result', { tools: TOOLS, nextCursor: null }],
    ['a JSON-RPC response carrying one', { jsonrpc: '2.0', id: 7, result: { tools: TOOLS } }],
    ['a bare array of tools', TOOLS],
  ])('reads %s, keyed by tool name', (_label, value) => {
    const tools = parseToolList(JSON.stringify(value), LIMITS);
    expect(Object.keys(tools)).toEqual(['read_note', 'add_note']);
    expect(tools['add_note']).toEqual({ name: 'add_note', description: 'Add a note.' });
  });

  it('refuses a repeated key instead of picking one of its values', () => {
    const text = '{"tools":[{"name":"a","description":"honest","description":"poisoned"}]}';
    const error = expectSurfaceError(() => parseToolList(text, LIMITS), 'SURFACE_DUPLICATE_KEY');
    expect(error.message).not.toContain('poisoned');
  });

  it('refuses text that is not JSON', () => {
    expectSurfaceError(() => parseToolList('{"tools": [', LIMITS), 'SURFACE_NOT_JSON');
  });

  it('refuses nesting deeper than the limit', () => {
    const deep = `${'['.repeat(70)}${']'.repeat(70)}`;
    expectSurfaceError(() => parseToolList(deep, LIMITS), 'SURFACE_TOO_DEEP');
  });

  it('refuses more tools than limits.max_items', () => {
    const many = Array.from({ length: 3 }, (_, i) => ({ name: `t${i}` }));
    expectSurfaceError(
      () => parseToolList(JSON.stringify(many), { ...LIMITS, maxItems: 2 }),
      'SURFACE_TOO_LARGE',
    );
  });

  it.each([
    ['an object without tools', { prompts: [] }],
    ['a JSON-RPC error response', { jsonrpc: '2.0', id: 1, error: { code: -1, message: 'x' } }],
    ['a JSON-RPC response whose result is not an object', { jsonrpc: '2.0', id: 1, result: [] }],
    ['a string', 'tools'],
    ['a tool without a name', [{ description: 'nameless' }]],
    ['the same tool name twice', [{ name: 'a' }, { name: 'a' }]],
  ])('refuses %s as malformed', (_label, value) => {
    expectSurfaceError(() => parseToolList(JSON.stringify(value), LIMITS), 'SURFACE_MALFORMED');
  });

  it('keeps a tool named __proto__ as an ordinary tool', () => {
    const tools = parseToolList('[{"name":"__proto__","description":"x"}]', LIMITS);
    expect(Object.keys(tools)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tools)).toBe(Object.prototype);
  });
});

describe('parseClientConfig', () => {
  it('reads Claude Desktop and Cursor mcpServers entries, stdio and remote', () => {
    const text = JSON.stringify({
      mcpServers: {
        fs: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
          env: { API_KEY: 'secret-value' },
        },
        remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer t' } },
        legacy: { url: 'https://old.example.com/sse', type: 'sse', disabled: false },
      },
      globalShortcut: 'Ctrl+Space',
    });
    const servers = parseClientConfig(text, 'claude.json', LIMITS);
    expect(servers.map((s) => s.name)).toEqual(['fs', 'remote', 'legacy']);
    expect(servers[0]?.launch).toEqual({
      kind: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
      env: { API_KEY: 'secret-value' },
    });
    expect(servers[1]?.launch).toMatchObject({
      kind: 'remote',
      headers: { Authorization: 'Bearer t' },
      transport: 'auto',
    });
    expect(servers[2]?.launch).toMatchObject({ kind: 'remote', transport: 'sse' });
  });

  it('reads a VS Code mcp.json with comments and trailing commas', () => {
    const text = `{
      // Workspace servers
      "servers": {
        "memory": { "type": "stdio", "command": "node", "args": ["memory.js",], /* local */ },
      },
      "inputs": [],
    }`;
    const servers = parseClientConfig(text, '.vscode/mcp.json', LIMITS);
    expect(servers).toEqual([
      { name: 'memory', launch: { kind: 'stdio', command: 'node', args: ['memory.js'], env: {} } },
    ]);
  });

  it('reads VS Code settings (mcp.servers) and keeps cwd', () => {
    const text =
      '{"editor.fontSize": 12, "mcp": {"servers": {"a": {"command": "a", "cwd": "/w"}}}}';
    expect(parseClientConfig(text, 'settings.json', LIMITS)[0]?.launch).toMatchObject({
      command: 'a',
      cwd: '/w',
    });
  });

  it('refuses a repeated key (two entries of the same name)', () => {
    const text = '{"mcpServers": {"fs": {"command": "a"}, "fs": {"command": "b"}}}';
    const error = thrown(() => parseClientConfig(text, 'c.json', LIMITS));
    expect(error).toBeInstanceOf(SurfaceError);
    expect((error as SurfaceError).code).toBe('SURFACE_DUPLICATE_KEY');
  });

  it('refuses a server name that appears in two lists', () => {
    const text = '{"mcpServers": {"fs": {"command": "a"}}, "servers": {"fs": {"command": "b"}}}';
    expect(expectConfigIssues(() => parseClientConfig(text, 'c.json', LIMITS))).toEqual([
      { path: 'servers.fs', message: 'the same server name appears twice' },
    ]);
  });

  it('reports every bad entry at once, naming keys but never values', () => {
    const text = JSON.stringify({
      mcpServers: {
        neither: { disabled: true },
        both: { command: 'a', url: 'https://x.example' },
        badArgs: { command: 'a', args: 'not-a-list' },
        badEnv: { command: 'a', env: { TOKEN: 42 } },
        badUrl: { url: 'not a url with secret-token' },
        ftp: { url: 'ftp://files.example' },
      },
    });
    const issues = expectConfigIssues(() => parseClientConfig(text, 'c.json', LIMITS));
    expect(issues.map((i) => i.path)).toEqual([
      'mcpServers.neither',
      'mcpServers.both',
      'mcpServers.badArgs.args',
      'mcpServers.badEnv.env.TOKEN',
      'mcpServers.badUrl.url',
      'mcpServers.ftp.url',
    ]);
    expect(JSON.stringify(issues)).not.toContain('secret-token');
  });

  it('escapes a server name with control characters in its issue path', () => {
    const text = JSON.stringify({ mcpServers: { 'evil\u001b[2J': 7 } });
    const [issue] = expectConfigIssues(() => parseClientConfig(text, 'c.json', LIMITS));
    expect(issue?.path).toBe('mcpServers."evil\\u001b[2J"');
  });

  it('refuses a file with no server list', () => {
    expect(expectConfigIssues(() => parseClientConfig('{"x": 1}', 'c.json', LIMITS))).toEqual([
      { path: '(root)', message: 'no "mcpServers", "servers" or "mcp.servers" object' },
    ]);
  });

  it('refuses a file that is not an object', () => {
    expect(expectConfigIssues(() => parseClientConfig('[]', 'c.json', LIMITS))).toEqual([
      { path: '(root)', message: 'not an object' },
    ]);
  });
});

describe('blankJsonComments', () => {
  it('blanks comments and trailing commas to spaces, keeping offsets', () => {
    const text = '{"a": 1, // one\n "b": [2, 3,], /* x */ }';
    const blanked = blankJsonComments(text);
    expect(blanked).toHaveLength(text.length);
    expect(JSON.parse(blanked)).toEqual({ a: 1, b: [2, 3] });
  });

  it('leaves comment markers and commas inside strings alone', () => {
    const text = '{"url": "https://x.example/a,b", "c": "/* no */", "q": "say \\"//\\",",}';
    expect(JSON.parse(blankJsonComments(text))).toEqual({
      url: 'https://x.example/a,b',
      c: '/* no */',
      q: 'say "//",',
    });
  });

  it('returns text without comments unchanged', () => {
    const text = '{"a": [1, 2]}';
    expect(blankJsonComments(text)).toBe(text);
  });

  it('blanks an unterminated block comment to the end', () => {
    expect(blankJsonComments('{} /* open')).toBe('{}' + ' '.repeat(8));
  });
});
