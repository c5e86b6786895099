/**
 * `holdfast serve` with OAuth 2.1 bearer tokens: a JWT signed by a local issuer whose JWKS is served
 * on loopback is accepted; a token for another audience, expired or signed by another key is
 * refused with 401; and the agent's token never reaches the upstream (no token passthrough): every
 * request the upstream gets passes a recording proxy that keeps its headers.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import { useEverythingServers } from '../support/everything-http.js';
import { createTempHome } from '../support/holdfast.js';
import {
  connectAgent,
  listAllTools,
  postInitialize,
  startServe,
  streamableEntry,
} from '../support/serve.js';

const everything = useEverythingServers();
const ISSUER = 'https://issuer.holdfast.test';
const AUDIENCE = 'https://holdfast.test/mcp';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

function jwt(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', typ: 'JWT', kid: 'k1' })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub: 'agent-7', iat: now, exp: now + 600, ...overrides };
}

let jwks: Server;
let proxy: Server;
/** Every header set the upstream received through the proxy. */
const upstreamHeaders: Record<string, string | string[] | undefined>[] = [];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(() => {
  jwks = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] }),
    );
  });
  proxy = createServer((req, res) => {
    upstreamHeaders.push({ ...req.headers });
    const forward = httpRequest(
      {
        host: '127.0.0.1',
        port: everything.streamable(),
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: `127.0.0.1:${everything.streamable()}` },
      },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
});

afterAll(async () => {
  await Promise.all(
    [jwks, proxy].map((s) => new Promise((resolve) => s.close(resolve)).catch(() => undefined)),
  );
});

describe('holdfast serve with OAuth', () => {
  it(
    verifies(
      'serve:auth',
      'accepts JWTs from the configured issuer and never passes them upstream',
    ),
    async () => {
      const jwksPort = await listen(jwks);
      const proxyPort = await listen(proxy);
      using home = createTempHome();
      await using serve = await startServe({
        home: home.home,
        config: {
          servers: {
            everything: streamableEntry(proxyPort),
          },
          serve: {
            oauth: {
              issuer: ISSUER,
              jwks_url: `http://127.0.0.1:${jwksPort}/jwks.json`,
              audience: AUDIENCE,
            },
          },
        },
      });
      const token = jwt(claims());
      await using agent = await connectAgent(`${serve.url}/mcp`, { key: token });
      expect((await listAllTools(agent.client)).names).toContain('echo');
      const echo = await agent.client.callTool({ name: 'echo', arguments: { message: 'jwt' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: jwt' }]);
      expect(upstreamHeaders.length).toBeGreaterThan(0);
      for (const headers of upstreamHeaders) {
        expect(headers['authorization']).toBeUndefined();
        expect(JSON.stringify(headers)).not.toContain(token.slice(0, 40));
      }

      const seen = upstreamHeaders.length;
      const refused = await Promise.all(
        [
          jwt(claims({ aud: 'https://elsewhere.example/mcp' })),
          jwt(claims({ exp: Math.floor(Date.now() / 1000) - 3600 })),
          jwt(claims({ iss: 'https://issuer.evil.example' })),
          jwt(claims(), stranger),
        ].map(async (bad) => {
          const response = await postInitialize(`${serve.url}/mcp`, {
            Authorization: `Bearer ${bad}`,
          });
          return [response.status, response.headers.get('www-authenticate') ?? ''] as const;
        }),
      );
      for (const [status, challenge] of refused) {
        expect(status).toBe(401);
        expect(challenge).toContain('resource_metadata=');
      }
      expect(upstreamHeaders.length).toBe(seen);
      const metadata = (await (
        await fetch(`${serve.url}/.well-known/oauth-protected-resource`)
      ).json()) as { authorization_servers: string[] };
      expect(metadata.authorization_servers).toEqual([ISSUER]);
    },
  );
});
