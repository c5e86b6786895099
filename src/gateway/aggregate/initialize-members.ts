import { UpstreamError } from '../../shared/errors.js';
import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject } from '../../surface/types.js';
import { describeError } from '../describe-error.js';
import type { MemberLink } from './member-link.js';
import type {
  AggregateServerInfo,
  MemberInitialize,
  MergedInitialize,
} from './merge-initialize.js';
import { mergeInitialize } from './merge-initialize.js';

/**
 * Sends the client's `initialize` (same params) to every member at once and merges the answers.
 * A member that fails, times out or answers without a protocol version is marked out for this
 * session (logged): its items are absent and requests to it are refused. Undefined when no member
 * answered.
 */
export async function initializeMembers(
  members: readonly MemberLink[],
  params: JsonObject,
  options: { serverInfo: AggregateServerInfo; log: (line: string) => void },
): Promise<MergedInitialize | undefined> {
  const answered = await Promise.all(
    members.map(async (member): Promise<MemberInitialize | undefined> => {
      if (member.isOut) return undefined;
      try {
        const result = await member.request('initialize', params);
        const version = result['protocolVersion'];
        if (typeof version !== 'string') {
          throw new UpstreamError('UPSTREAM_PROTOCOL', 'initialize answered with no version');
        }
        return { member: member.name, result, protocolVersion: version };
      } catch (error) {
        options.log(`${member.name}: left out of this session: ${describeError(error)}`);
        member.markOut(error instanceof Error ? error : new Error('initialize failed'));
        return undefined;
      }
    }),
  );
  // A member whose link closed after it answered is out all the same.
  const answers = answered.filter(
    (answer): answer is MemberInitialize =>
      answer !== undefined && members.some((m) => m.name === answer.member && !m.isOut),
  );
  if (answers.length === 0) return undefined;
  for (const { member: name, result, protocolVersion } of answers) {
    const member = members.find((m) => m.name === name);
    const capabilities = isJsonObject(result['capabilities']) ? result['capabilities'] : {};
    member?.markLive(capabilities, protocolVersion);
  }
  return mergeInitialize(params['protocolVersion'], answers, options.serverInfo);
}
