/**
 * Console login sessions, held in the memory of the serving process (issue 6; docs/auth.md
 * §Console sessions). A session ends after 30 minutes without use or 12 hours after login, whichever
 * comes first, on logout, or when the process restarts. The map is bounded: when it is full, expired
 * sessions go first, then the one idle the longest.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { Clock } from '../shared/clock.js';

/** A login as the console sees it (the same shape as serve/env.ts `ConsoleSession`). */
export interface LoginSession {
  /** The cookie value: 32 random bytes, base64url. A secret: never log it. */
  id: string;
  user: string;
  /** Sent back by the page in `X-CSRF-Token` on every write; compared in constant time. */
  csrf: string;
  createdAt: number;
  /** Idle and absolute expiry, whichever comes first (ms since the epoch). */
  expiresAt: number;
}

/** A live session and the stamp it was created with. */
export interface StoredLogin {
  session: LoginSession;
  /**
   * Opaque value bound at login (the authenticator uses a digest of the user's password hash), so
   * a password change or a re-created account ends the sessions made before it.
   */
  stamp: string;
}

/** Options for {@link ConsoleSessions}. */
export interface ConsoleSessionsOptions {
  clock: Clock;
  /** Default 30 minutes. */
  idleMs?: number;
  /** Default 12 hours. */
  absoluteMs?: number;
  /** Most sessions kept at once. Default 1000. */
  maxSessions?: number;
}

export const DEFAULT_IDLE_MS = 30 * 60 * 1000;
export const DEFAULT_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_MAX_SESSIONS = 1000;
/** A session id or CSRF value: 32 random bytes in unpadded base64url. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The in-memory session table. */
export class ConsoleSessions {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #absoluteMs: number;
  readonly #maxSessions: number;
  /**
   * Keyed by the SHA-256 of the cookie value: a lookup compares digests, never the secret itself,
   * so its timing says nothing about stored ids.
   */
  readonly #logins = new Map<string, StoredLogin>();

  constructor(options: ConsoleSessionsOptions) {
    this.#clock = options.clock;
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#absoluteMs = options.absoluteMs ?? DEFAULT_ABSOLUTE_MS;
    this.#maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    for (const value of [this.#idleMs, this.#absoluteMs, this.#maxSessions]) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError('bad session settings');
    }
  }

  /** Sessions held now, expired ones not yet swept included. */
  get size(): number {
    return this.#logins.size;
  }

  /** Starts a session for `user` (already authenticated), evicting another if the table is full. */
  create(user: string, stamp: string): LoginSession {
    const now = this.#clock.now();
    if (this.#logins.size >= this.#maxSessions) this.#sweepExpired(now);
    if (this.#logins.size >= this.#maxSessions) this.#evictIdlest();
    const session: LoginSession = {
      id: randomBytes(32).toString('base64url'),
      user,
      csrf: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: now + Math.min(this.#idleMs, this.#absoluteMs),
    };
    this.#logins.set(keyOf(session.id), { session, stamp });
    return { ...session };
  }

  /**
   * The live session whose cookie value is `id`, with its idle expiry moved forward; undefined
   * (and forgotten) when it is unknown or expired. Returns copies.
   */
  get(id: string): StoredLogin | undefined {
    if (!SECRET_PATTERN.test(id)) return undefined;
    const key = keyOf(id);
    const login = this.#logins.get(key);
    if (login === undefined) return undefined;
    const now = this.#clock.now();
    if (now >= login.session.expiresAt) {
      this.#logins.delete(key);
      return undefined;
    }
    const { session } = login;
    session.expiresAt = Math.min(now + this.#idleMs, session.createdAt + this.#absoluteMs);
    return { session: { ...session }, stamp: login.stamp };
  }

  /** Ends one session; false when there was none. */
  delete(id: string): boolean {
    return SECRET_PATTERN.test(id) && this.#logins.delete(keyOf(id));
  }

  /** Ends every session of `user`; returns how many there were. */
  deleteUser(user: string): number {
    let count = 0;
    for (const [key, login] of this.#logins) {
      if (login.session.user !== user) continue;
      this.#logins.delete(key);
      count++;
    }
    return count;
  }

  #sweepExpired(now: number): void {
    for (const [key, login] of this.#logins) {
      if (now >= login.session.expiresAt) this.#logins.delete(key);
    }
  }

  #evictIdlest(): void {
    let idlest: { key: string; expiresAt: number } | undefined;
    for (const [key, { session }] of this.#logins) {
      if (idlest === undefined || session.expiresAt < idlest.expiresAt) {
        idlest = { key, expiresAt: session.expiresAt };
      }
    }
    if (idlest !== undefined) this.#logins.delete(idlest.key);
  }
}

function keyOf(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}
