import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import type { Classified, RequestId } from '../wire.js';
import type { MemberLink } from './member-link.js';
import type { Outstanding } from './outstanding.js';
import type { ServerRequestMap } from './server-requests.js';

/** What relaying client notifications needs of the aggregator. */
export interface ClientNotificationDeps {
  outstanding: ReadonlyMap<RequestId, Outstanding>;
  serverRequests: ServerRequestMap;
  member: (name: string) => MemberLink | undefined;
  live: () => readonly MemberLink[];
  sendMember: (member: MemberLink, message: JSONRPCMessage) => Promise<void>;
  log: (line: string) => void;
}

/**
 * Relays a client notification to the member(s) it concerns: lifecycle notifications to every live
 * member, a cancellation to the member its request went to, progress on a member's request to the
 * client to that member (under the token the member chose). Anything else has no member to go to.
 */
export async function relayClientNotification(
  m: Extract<Classified, { kind: 'notification' }>,
  message: JSONRPCMessage,
  deps: ClientNotificationDeps,
): Promise<void> {
  switch (m.method) {
    case 'notifications/initialized':
    case 'notifications/roots/list_changed':
      await Promise.all(deps.live().map((member) => deps.sendMember(member, message)));
      return;
    case 'notifications/cancelled': {
      const id = m.params['requestId'];
      const entry =
        typeof id === 'string' || typeof id === 'number' ? deps.outstanding.get(id) : undefined;
      const member = entry === undefined ? undefined : deps.member(entry.member);
      if (entry === undefined || member === undefined) return;
      // It may still get an answer (relayed as usual), but is owed none.
      entry.isCancelled = true;
      return deps.sendMember(member, message);
    }
    case 'notifications/progress': {
      const target = deps.serverRequests.progressTarget(m.params['progressToken']);
      const member = target === undefined ? undefined : deps.member(target.member);
      if (target === undefined || member === undefined) return;
      const params = { ...m.params, progressToken: target.progressToken };
      return deps.sendMember(member, { ...message, params });
    }
    default:
      deps.log('dropped a client notification no server behind this endpoint takes');
  }
}
