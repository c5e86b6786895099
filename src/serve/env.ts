/**
 * The Hono environment shared by every route of `holdfast serve`: the authentication middleware
 * sets `principal` (and, for a console login, `consoleSession`) before any handler runs.
 */
import type { Principal } from '../auth/types.js';

/** A human's console login, kept in memory by the serving process. */
export interface ConsoleSession {
  /** The cookie value: 32 random bytes, base64url. */
  id: string;
  user: string;
  /** Sent back by the page in `X-CSRF-Token` on every write; compared in constant time. */
  csrf: string;
  createdAt: number;
  /** Idle and absolute expiry, whichever comes first (ms since the epoch). */
  expiresAt: number;
}

export interface ServeEnv {
  Variables: {
    principal: Principal;
    consoleSession?: ConsoleSession;
  };
}
