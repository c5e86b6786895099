/**
 * Compiles a pattern for V8's linear-time regular expression engine (the `l` flag): matching time
 * grows linearly with the input, whatever the pattern, so an attacker-chosen input cannot make it
 * backtrack. Throws SyntaxError for patterns that need backtracking (backreferences, lookaround,
 * large counted repetitions) and when the engine is not enabled; callers treat that as "refuse".
 *
 * The engine is enabled once per process by the composition root (`cli/main.ts`) with the V8 flag
 * `--enable-experimental-regexp-engine`. The `u` flag cannot be combined with `l`, so patterns run
 * with non-Unicode semantics.
 */
export function createLinearRegExp(pattern: string): RegExp {
  // eslint-disable-next-line no-invalid-regexp -- `l` exists behind a V8 flag enabled at start-up
  return new RegExp(pattern, 'l');
}

/** The V8 flag that makes the `l` flag available. */
export const LINEAR_REGEXP_V8_FLAG = '--enable-experimental-regexp-engine';
