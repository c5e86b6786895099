/**
 * What the rug-pull test server received, from its `recordFile` (one JSON line per message): the
 * proof, in end-to-end tests, of what Holdfast did and did not forward.
 */
import { existsSync, readFileSync } from 'node:fs';

/** One message the server received. */
export interface Recorded {
  kind: 'request' | 'notification';
  method: string;
  params?: { name?: string; arguments?: Record<string, unknown> };
}

/** Every message the server recorded, in order (none when the file does not exist yet). */
export function recorded(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Recorded);
}

/** The `tools/call` requests that reached the server. */
export function callsReceived(file: string): Recorded[] {
  return recorded(file).filter((entry) => entry.method === 'tools/call');
}
