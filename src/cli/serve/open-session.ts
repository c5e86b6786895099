import { InMemoryTransport } from '@modelcontextprotocol/server';

import type { Config } from '../../config/schema.js';
import { Aggregator } from '../../gateway/aggregate/index.js';
import type { GatewayOptions } from '../../gateway/index.js';
import { GatewaySession } from '../../gateway/index.js';
import { SessionEventStore } from '../../serve/event-store.js';
import type { OpenedSession } from '../../serve/mcp-sessions.js';
import { createHttpDownstream } from '../../transports/http/http-downstream.js';
import type { SessionParts } from '../gateway-options.js';
import { toGatewayOptions } from '../gateway-options.js';
import type { Upstream } from './upstreams.js';

/** What every session is opened with. */
export interface SessionFactoryOptions {
  config: Config;
  upstreams: readonly Upstream[];
  policy: () => GatewayOptions['policy'];
  /** The parts shared by all sessions; `name`, `launch` and `log` are set per upstream. */
  shared: Omit<SessionParts, 'name' | 'launch' | 'log'>;
  /** A line logger bound to a server and principal. */
  logFor: (server: string, principal: string) => (line: string) => void;
  version: string;
}

/**
 * Opens the gateway side of one MCP session: a downstream transport, and for each server behind the
 * endpoint its own upstream session wrapped in its own GatewaySession — the same protections as
 * `holdfast run`, with the agent as the principal of its holds. Several servers are joined by the
 * Aggregator, which namespaces their names.
 */
export function createSessionFactory(
  options: SessionFactoryOptions,
): (endpoint: string, principal: string, sessionId: string) => Promise<OpenedSession> {
  const byName = new Map(options.upstreams.map((u) => [u.name, u]));
  const { config } = options;
  const gatewayOptions = (upstream: Upstream, principal: string): GatewayOptions => ({
    ...toGatewayOptions(config, options.policy, {
      ...options.shared,
      name: upstream.name,
      launch: upstream.launch,
      log: options.logFor(upstream.name, principal),
    }),
    principal,
  });

  return async (endpoint, principal, sessionId) => {
    const downstream = createHttpDownstream({
      sessionId,
      maxMessageBytes: config.limits.max_message_bytes,
      maxDepth: config.limits.max_depth,
      ...(config.serve.resume_events > 0
        ? { eventStore: new SessionEventStore(config.serve.resume_events) }
        : {}),
    });
    const members =
      endpoint === ''
        ? [...options.upstreams]
        : [byName.get(endpoint)].filter((u) => u !== undefined);
    if (members.length === 0) throw new Error('no server behind this endpoint');
    const [only] = members;
    if (members.length === 1 && only !== undefined) {
      const session = new GatewaySession(
        downstream,
        only.connect(),
        gatewayOptions(only, principal),
      );
      try {
        await session.start();
      } catch (error) {
        await session.close('start failed');
        throw error;
      }
      return { downstream, done: session.done, close: (reason) => session.close(reason) };
    }
    const links = new Map<string, InMemoryTransport>();
    const sessions: GatewaySession[] = [];
    for (const upstream of members) {
      const [client, server] = InMemoryTransport.createLinkedPair();
      const session = new GatewaySession(
        server,
        upstream.connect(),
        gatewayOptions(upstream, principal),
      );
      try {
        await session.start();
      } catch (error) {
        // One server that cannot start leaves the others usable; its tools are simply absent.
        options.logFor(upstream.name, principal)(`could not start: ${(error as Error).message}`);
        await session.close('start failed');
        continue;
      }
      links.set(upstream.name, client);
      sessions.push(session);
    }
    const aggregator = new Aggregator(downstream, {
      members: links,
      pageSize: config.serve.page_size,
      requestTimeoutMs: config.request_timeout_ms,
      serverInfo: { name: 'holdfast', version: options.version },
      log: options.logFor('*', principal),
    });
    const close = async (reason: string): Promise<void> => {
      await aggregator.close();
      await Promise.allSettled(sessions.map((s) => s.close(reason)));
    };
    try {
      await aggregator.start();
    } catch (error) {
      await close('start failed');
      throw error;
    }
    return { downstream, done: aggregator.done, close };
  };
}
