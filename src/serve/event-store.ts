/**
 * Resumability for one MCP session (Streamable HTTP, 2025-11-25 "Resumability and Redelivery"):
 * every SSE event the session sends is kept, up to a bound, so a client whose stream dropped can
 * reconnect with `Last-Event-ID` and get the events of that stream it missed — never another
 * stream's, never another session's (each session has its own store).
 */
import { randomBytes } from 'node:crypto';

import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

interface StoredEvent {
  id: string;
  stream: string;
  message: JSONRPCMessage;
}

/** A bounded in-memory EventStore: the oldest events are forgotten first. */
export class SessionEventStore implements EventStore {
  readonly #max: number;
  /** Unguessable per store, so event ids from another session never match here. */
  readonly #prefix = randomBytes(9).toString('base64url');
  #next = 0;
  readonly #events: StoredEvent[] = [];
  #first = 0;

  constructor(maxEvents: number) {
    this.#max = maxEvents;
  }

  storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${this.#prefix}.${this.#next++}`;
    this.#events.push({ id, stream: streamId, message });
    if (this.#events.length - this.#first > this.#max) this.#first++;
    // Compact now and then, so memory stays bounded by the limit, not by the session's age.
    if (this.#first > 1024 && this.#first * 2 > this.#events.length) {
      this.#events.splice(0, this.#first);
      this.#first = 0;
    }
    return Promise.resolve(id);
  }

  getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return Promise.resolve(this.#find(eventId)?.stream);
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const at = this.#indexOf(lastEventId);
    const last = at === undefined ? undefined : this.#events[at];
    if (at === undefined || last === undefined) throw new Error('unknown or expired event id');
    for (let i = at + 1; i < this.#events.length; i++) {
      const event = this.#events[i];
      if (event?.stream === last.stream) await send(event.id, event.message);
    }
    return last.stream;
  }

  #find(eventId: string): StoredEvent | undefined {
    const at = this.#indexOf(eventId);
    return at === undefined ? undefined : this.#events[at];
  }

  /** The position of an event still kept, from its sequence number (no scan). */
  #indexOf(eventId: string): number | undefined {
    const dot = eventId.lastIndexOf('.');
    if (dot < 0 || eventId.slice(0, dot) !== this.#prefix) return undefined;
    const seq = Number(eventId.slice(dot + 1));
    if (!Number.isSafeInteger(seq)) return undefined;
    const offset = this.#next - this.#events.length;
    const at = seq - offset;
    return at >= this.#first && at < this.#events.length ? at : undefined;
  }
}
