import { describe, expect, it } from 'vitest';

import { createLoginThrottle, DEFAULT_WINDOW_MS } from './login-throttle.js';

const START = 1_767_225_600_000;
const MINUTE = 60_000;

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let now = START;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('createLoginThrottle', () => {
  it('allows four failures, blocks after the fifth, and says for how long', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle({ clock });
    for (let i = 0; i < 4; i++) {
      throttle.recordFailure('alice');
      clock.advance(MINUTE);
      expect(throttle.retryAfterS('alice')).toBe(0);
    }
    throttle.recordFailure('alice');
    // The first failure was 4 minutes ago: 11 minutes to go.
    expect(throttle.retryAfterS('alice')).toBe(11 * 60);
  });

  it('allows a try again once the oldest failure leaves the window', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle({ clock });
    for (let i = 0; i < 5; i++) throttle.recordFailure('alice');
    clock.advance(DEFAULT_WINDOW_MS - 1);
    expect(throttle.retryAfterS('alice')).toBe(1);
    clock.advance(1);
    expect(throttle.retryAfterS('alice')).toBe(0);
    expect(throttle.size).toBe(0);
  });

  it('counts only failures inside the window', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle({ clock });
    for (let i = 0; i < 4; i++) throttle.recordFailure('alice');
    clock.advance(DEFAULT_WINDOW_MS);
    throttle.recordFailure('alice');
    expect(throttle.retryAfterS('alice')).toBe(0);
  });

  it('keeps names apart, and forgets a name after a success', () => {
    const clock = manualClock();
    const throttle = createLoginThrottle({ clock });
    for (let i = 0; i < 5; i++) throttle.recordFailure('alice');
    for (let i = 0; i < 4; i++) throttle.recordFailure('bob');
    expect(throttle.retryAfterS('bob')).toBe(0);
    expect(throttle.retryAfterS('alice')).toBeGreaterThan(0);
    throttle.recordSuccess('alice');
    expect(throttle.retryAfterS('alice')).toBe(0);
  });

  describe('when the table is full', () => {
    it('drops a name that is not blocked rather than a blocked one', () => {
      const clock = manualClock();
      const throttle = createLoginThrottle({ clock, maxTracked: 3 });
      for (let i = 0; i < 5; i++) throttle.recordFailure('target');
      throttle.recordFailure('spray-1');
      throttle.recordFailure('spray-2');
      for (let i = 3; i < 100; i++) throttle.recordFailure(`spray-${i}`);
      expect(throttle.size).toBe(3);
      expect(throttle.retryAfterS('target')).toBeGreaterThan(0);
    });

    it('drops names whose failures are stale first', () => {
      const clock = manualClock();
      const throttle = createLoginThrottle({ clock, maxTracked: 2 });
      for (let i = 0; i < 5; i++) throttle.recordFailure('old'); // blocked once, stale now
      clock.advance(DEFAULT_WINDOW_MS);
      for (let i = 0; i < 4; i++) throttle.recordFailure('recent');
      throttle.recordFailure('new');
      expect(throttle.size).toBe(2);
      throttle.recordFailure('recent');
      expect(throttle.retryAfterS('recent')).toBeGreaterThan(0);
    });

    it('drops the oldest blocked name only when every name is blocked', () => {
      const clock = manualClock();
      const throttle = createLoginThrottle({ clock, maxTracked: 2 });
      for (const user of ['a', 'b']) for (let i = 0; i < 5; i++) throttle.recordFailure(user);
      throttle.recordFailure('c');
      expect(throttle.size).toBe(2);
      expect(throttle.retryAfterS('a')).toBe(0);
      expect(throttle.retryAfterS('b')).toBeGreaterThan(0);
    });
  });

  it('refuses settings that are not positive integers', () => {
    expect(() => createLoginThrottle({ clock: manualClock(), maxFailures: 0 })).toThrow(RangeError);
  });
});
