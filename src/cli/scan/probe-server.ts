/**
 * Reads a server's whole surface once, as a client would, for `holdfast scan`: start the transport,
 * run the initialize handshake (MCP 2025-11-25 "Lifecycle: Initialization"), list every section
 * the server advertises (all pages, with the gateway's own cursor-loop and size limits), then close.
 * Nothing is relayed and no tool is ever called.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/client';

import { fetchSection } from '../../gateway/probe.js';
import { UpstreamRequester } from '../../gateway/upstream-requester.js';
import { classify, toErrorResponse, toResult } from '../../gateway/wire.js';
import type { ScannableSurface } from '../../risk/index.js';
import { UpstreamError } from '../../shared/errors.js';
import type { SurfaceLimits } from '../../surface/snapshot.js';
import { advertisedSections, toServerItem } from '../../surface/snapshot.js';

/** JSON-RPC "Method not found": what a scan answers to any request from the server but ping. */
const METHOD_NOT_FOUND = -32601;

/** Options of {@link probeServer}. */
export interface ProbeOptions {
  /** The whole probe (start, handshake, every list) must end within this; then the server is closed. */
  timeoutMs: number;
  limits: SurfaceLimits;
  /** `clientInfo` sent in `initialize`. */
  clientInfo: { name: string; version: string };
}

/**
 * Probes the server behind `transport` and resolves with its surface. The transport is closed
 * before this settles, on success, failure and timeout alike (a child process is ended: stdin
 * closed, then SIGTERM, then SIGKILL).
 * @throws UpstreamError (`UPSTREAM_SPAWN_FAILED`, `UPSTREAM_EXITED`, `UPSTREAM_CLOSED`,
 *   `UPSTREAM_PROTOCOL`, `UPSTREAM_TIMEOUT`) or SurfaceError (a malformed or oversized list).
 */
export async function probeServer(
  transport: Transport,
  options: ProbeOptions,
): Promise<ScannableSurface> {
  let exitError: Error | undefined;
  const requester = new UpstreamRequester((message) => transport.send(message), options.timeoutMs);
  const reply = (message: JSONRPCMessage): void => {
    transport.send(message).catch(() => undefined);
  };
  transport.onmessage = (message) => {
    const m = classify(message);
    if (m.kind === 'response' || m.kind === 'error') requester.settle(m);
    else if (m.kind === 'request') {
      // A scan has no roots, no sampling and no user to ask: only ping is answered.
      reply(
        m.method === 'ping'
          ? toResult(m.id, {})
          : toErrorResponse(m.id, METHOD_NOT_FOUND, 'not supported by holdfast scan'),
      );
    }
  };
  transport.onerror = (error) => {
    const id = (error as { details?: Record<string, unknown> }).details?.['id'];
    if (requester.fail(id, error)) return;
    if ((error as { code?: unknown }).code === 'UPSTREAM_EXITED') exitError = error;
  };
  transport.onclose = () => {
    requester.failAll(
      exitError ??
        new UpstreamError(
          'UPSTREAM_CLOSED',
          'the server closed the connection before the scan ended',
        ),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new UpstreamError(
          'UPSTREAM_TIMEOUT',
          `the server did not finish the scan within ${options.timeoutMs} ms`,
        ),
      );
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([listSurface(transport, requester, options), deadline]);
  } finally {
    clearTimeout(timer);
    await transport.close().catch(() => undefined);
  }
}

async function listSurface(
  transport: Transport,
  requester: UpstreamRequester,
  options: ProbeOptions,
): Promise<ScannableSurface> {
  await transport.start();
  const result = await requester.request('initialize', {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: options.clientInfo,
  });
  const version = result['protocolVersion'];
  if (typeof version === 'string') transport.setProtocolVersion?.(version);
  await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const surface: ScannableSurface = {
    server: toServerItem(result),
    tools: {},
    prompts: {},
    resources: {},
    resourceTemplates: {},
  };
  const request = requester.request.bind(requester);
  // One section after another, as the gateway does: a server never sees concurrent listings.
  for (const section of advertisedSections(surface.server)) {
    surface[section] = await fetchSection(request, section, options.limits);
  }
  return surface;
}
