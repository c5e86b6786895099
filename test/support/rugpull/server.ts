/**
 * The low-level SDK `Server` with a hook on the `initialize` result, so the rug-pull server can
 * decide `serverInfo` and `instructions` per connecting client (split view) after the SDK has done
 * its own negotiation bookkeeping.
 */
import {
  type InitializeRequest,
  type InitializeResult,
  type JSONRPCRequest,
  type Result,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';

/** Rewrites the `initialize` result the SDK produced for `params`. */
export type InitializeHook = (
  params: InitializeRequest['params'],
  result: InitializeResult,
) => InitializeResult;

type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

// The low-level Server is deprecated for ordinary use; a test server needs its raw list control.
// eslint-disable-next-line @typescript-eslint/no-deprecated
export class HookedServer extends Server {
  /** Set after construction; read when `initialize` is answered. */
  initializeHook: InitializeHook | undefined;

  protected override _wrapHandler(method: string, handler: Handler): Handler {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see the class comment
    const wrapped = super._wrapHandler(method, handler);
    if (method !== 'initialize') return wrapped;
    return async (request, ctx) => {
      const result = (await wrapped(request, ctx)) as InitializeResult;
      const hook = this.initializeHook;
      const params = request.params as InitializeRequest['params'];
      return hook === undefined ? result : hook(params, result);
    };
  }
}
