import { createId } from '../../shared/ids.js';
import type { RequestId } from '../wire.js';

/** Most server→client requests waiting for the client at once, over all members. */
export const MAX_SERVER_REQUESTS = 256;

/** A progress token as MCP defines it. */
export type ProgressToken = string | number;

/** A member's request to the client, under the id the client saw. */
export interface ServerRequest {
  member: string;
  /** The id the member used. */
  id: RequestId;
  /** The progress token the member asked for, when it asked for progress. */
  progressToken?: ProgressToken;
}

/**
 * Server→client requests (sampling, elicitation, roots/list) from several members share one client
 * session, and two members may well use the same id or progress token. Each is relayed under an id
 * (and token) minted here, and the client's answer is mapped back to the member that asked.
 */
export class ServerRequestMap {
  readonly #prefix = createId('hfagg');
  #next = 1;
  readonly #byId = new Map<string, ServerRequest>();
  readonly #byToken = new Map<string, string>();

  /**
   * Mints the id (and, when the request carries one, the progress token) the client sees. Undefined
   * when too many requests are waiting: the member gets an error instead.
   */
  add(request: ServerRequest): { id: string; progressToken?: string } | undefined {
    if (this.#byId.size >= MAX_SERVER_REQUESTS) return undefined;
    const id = `${this.#prefix}-${this.#next++}`;
    this.#byId.set(id, request);
    if (request.progressToken === undefined) return { id };
    const progressToken = `${id}-progress`;
    this.#byToken.set(progressToken, id);
    return { id, progressToken };
  }

  /** The request the client answered under a minted id, forgotten; undefined if none. */
  take(id: RequestId | null): ServerRequest | undefined {
    if (typeof id !== 'string') return undefined;
    const request = this.#byId.get(id);
    if (request === undefined) return undefined;
    this.#byId.delete(id);
    this.#byToken.delete(`${id}-progress`);
    return request;
  }

  /** The minted id of a member's request (for its `notifications/cancelled`); undefined if none. */
  mintedId(member: string, id: RequestId): string | undefined {
    for (const [minted, request] of this.#byId) {
      if (request.member === member && request.id === id) return minted;
    }
    return undefined;
  }

  /** Where the client's progress on a minted token goes; undefined for a token never minted. */
  progressTarget(token: unknown): { member: string; progressToken: ProgressToken } | undefined {
    if (typeof token !== 'string') return undefined;
    const id = this.#byToken.get(token);
    const request = id === undefined ? undefined : this.#byId.get(id);
    if (request?.progressToken === undefined) return undefined;
    return { member: request.member, progressToken: request.progressToken };
  }

  /** Forgets a member's requests (it went away); returns the minted ids the client still holds. */
  dropMember(member: string): string[] {
    const dropped: string[] = [];
    for (const [minted, request] of this.#byId) {
      if (request.member === member) dropped.push(minted);
    }
    for (const minted of dropped) this.take(minted);
    return dropped;
  }
}
