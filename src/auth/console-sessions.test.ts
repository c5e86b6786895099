import { describe, expect, it } from 'vitest';

import { ConsoleSessions, DEFAULT_ABSOLUTE_MS, DEFAULT_IDLE_MS } from './console-sessions.js';

const START = 1_767_225_600_000;
const MINUTE = 60_000;

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let now = START;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('ConsoleSessions', () => {
  it('creates a session with random id and CSRF values that finds its way back', () => {
    const clock = manualClock();
    const sessions = new ConsoleSessions({ clock });
    const session = sessions.create('alice', 'stamp-1');
    expect(session).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      user: 'alice',
      csrf: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      createdAt: START,
      expiresAt: START + DEFAULT_IDLE_MS,
    });
    expect(session.csrf).not.toBe(session.id);
    expect(sessions.get(session.id)).toEqual({ session, stamp: 'stamp-1' });
    expect(sessions.create('alice', 'stamp-1').id).not.toBe(session.id);
  });

  it('finds nothing for an unknown or malformed id', () => {
    const sessions = new ConsoleSessions({ clock: manualClock() });
    sessions.create('alice', 's');
    expect(sessions.get('A'.repeat(43))).toBeUndefined();
    expect(sessions.get('')).toBeUndefined();
    expect(sessions.get('x'.repeat(10_000))).toBeUndefined();
  });

  it('hands out copies: changing one changes nothing stored', () => {
    const sessions = new ConsoleSessions({ clock: manualClock() });
    const session = sessions.create('alice', 's');
    session.user = 'mallory';
    const read = sessions.get(session.id);
    if (read !== undefined) read.session.user = 'mallory';
    expect(sessions.get(session.id)?.session.user).toBe('alice');
  });

  describe('when the session is not used', () => {
    it('expires after 30 idle minutes and is forgotten', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock });
      const { id } = sessions.create('alice', 's');
      clock.advance(DEFAULT_IDLE_MS - 1);
      expect(sessions.get(id)).toBeDefined();
      clock.advance(DEFAULT_IDLE_MS);
      expect(sessions.get(id)).toBeUndefined();
      expect(sessions.size).toBe(0);
    });
  });

  describe('when the session is used', () => {
    it('moves the idle expiry forward on every use', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock });
      const { id } = sessions.create('alice', 's');
      clock.advance(20 * MINUTE);
      expect(sessions.get(id)?.session.expiresAt).toBe(START + 20 * MINUTE + DEFAULT_IDLE_MS);
      clock.advance(20 * MINUTE);
      expect(sessions.get(id)).toBeDefined();
    });

    it('still ends 12 hours after login', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock });
      const { id } = sessions.create('alice', 's');
      for (let used = 0; used < 12 * 3; used++) {
        clock.advance(20 * MINUTE);
        if (clock.now() < START + DEFAULT_ABSOLUTE_MS) expect(sessions.get(id)).toBeDefined();
      }
      expect(clock.now()).toBe(START + DEFAULT_ABSOLUTE_MS);
      expect(sessions.get(id)).toBeUndefined();
    });

    it('never reports an expiry past the absolute limit', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock, idleMs: 30 * MINUTE, absoluteMs: 40 * MINUTE });
      const { id } = sessions.create('alice', 's');
      clock.advance(25 * MINUTE);
      expect(sessions.get(id)?.session.expiresAt).toBe(START + 40 * MINUTE);
    });
  });

  it('ends one session on delete, and every session of a user on deleteUser', () => {
    const sessions = new ConsoleSessions({ clock: manualClock() });
    const a1 = sessions.create('alice', 's');
    const a2 = sessions.create('alice', 's');
    const b = sessions.create('bob', 's');
    expect(sessions.delete(a1.id)).toBe(true);
    expect(sessions.delete(a1.id)).toBe(false);
    expect(sessions.get(a1.id)).toBeUndefined();
    sessions.create('alice', 's');
    expect(sessions.deleteUser('alice')).toBe(2);
    expect(sessions.get(a2.id)).toBeUndefined();
    expect(sessions.get(b.id)).toBeDefined();
  });

  describe('when the table is full', () => {
    it('drops expired sessions first', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock, maxSessions: 2, idleMs: 10 * MINUTE });
      const old = sessions.create('alice', 's');
      clock.advance(5 * MINUTE);
      const live = sessions.create('bob', 's');
      clock.advance(6 * MINUTE); // old has expired, live has not
      const fresh = sessions.create('carol', 's');
      expect(sessions.size).toBe(2);
      expect(sessions.get(live.id)).toBeDefined();
      expect(sessions.get(fresh.id)).toBeDefined();
      expect(sessions.get(old.id)).toBeUndefined();
    });

    it('then drops the session idle the longest', () => {
      const clock = manualClock();
      const sessions = new ConsoleSessions({ clock, maxSessions: 2 });
      const first = sessions.create('alice', 's');
      clock.advance(MINUTE);
      const second = sessions.create('bob', 's');
      clock.advance(MINUTE);
      sessions.get(first.id); // used again: now second is the idlest
      clock.advance(MINUTE);
      const third = sessions.create('carol', 's');
      expect(sessions.size).toBe(2);
      expect(sessions.get(second.id)).toBeUndefined();
      expect(sessions.get(first.id)).toBeDefined();
      expect(sessions.get(third.id)).toBeDefined();
    });
  });

  it('refuses settings that are not positive integers', () => {
    expect(() => new ConsoleSessions({ clock: manualClock(), maxSessions: 0 })).toThrow(RangeError);
    expect(() => new ConsoleSessions({ clock: manualClock(), idleMs: 1.5 })).toThrow(RangeError);
  });
});
