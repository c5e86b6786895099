import { expect } from 'vitest';

import { AuditError } from '../../src/shared/errors.js';

/** Runs `fn`, expects it to throw an AuditError with `code`, and returns that error. */
export function expectAuditError(fn: () => unknown, code: AuditError['code']): AuditError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AuditError);
  expect((caught as AuditError).code).toBe(code);
  return caught as AuditError;
}
