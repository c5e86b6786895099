/** Capturing what a piece of code throws, for tests that then assert on the error. */
/** The error that `fn` throws; fails the test when `fn` returns normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The error `op` throws or rejects with, or undefined when it succeeds. */
export async function errorOf(op: () => unknown): Promise<unknown> {
  try {
    await op();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The error the promise from `op` rejects with, or undefined when it resolves. */
export async function rejectionOf(op: () => Promise<unknown>): Promise<unknown> {
  return op().then(
    () => undefined,
    (error: unknown) => error,
  );
}
