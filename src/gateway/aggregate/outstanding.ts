import { isJsonObject } from '../../surface/snapshot.js';
import type { JsonObject } from '../../surface/types.js';
import type { ProgressToken } from './server-requests.js';

/** A client request relayed to one member, until the member answers it. */
export interface Outstanding {
  member: string;
  /** The client cancelled it: no answer is owed any more. */
  isCancelled: boolean;
  /** The token the client asked progress under: only this member may report on it. */
  progressToken?: ProgressToken;
}

/** The progress token in a request's `_meta`, if it asks for progress. */
export function progressTokenOf(params: JsonObject): ProgressToken | undefined {
  const meta = params['_meta'];
  const token = isJsonObject(meta) ? meta['progressToken'] : undefined;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}
