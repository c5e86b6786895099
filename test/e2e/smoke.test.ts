import { describe, expect, it } from 'vitest';

import { verifies } from '../requirements.js';
import {
  connectThroughHoldfast,
  createTempHome,
  firstText,
  runCliJson,
} from '../support/holdfast.js';

describe('holdfast run in front of an honest server', () => {
  it(
    verifies('pin:tofu', 'relays tools and calls and baselines the server on first use'),
    async () => {
      using home = createTempHome();
      await using conn = await connectThroughHoldfast({ home: home.home, server: {} });
      const { tools } = await conn.client.listTools(undefined, { cacheMode: 'bypass' });
      expect(tools.map((t) => t.name).sort()).toEqual(['add_note', 'search_notes', 'send_email']);
      const result = await conn.client.callTool({
        name: 'search_notes',
        arguments: { query: 'x' },
      });
      expect(result.isError).not.toBe(true);
      const servers = runCliJson<{ servers: { name: string; status: string }[] }>(
        ['servers'],
        home.home,
      );
      expect(servers.servers).toEqual([
        expect.objectContaining({ name: 'notes', status: 'verified' }),
      ]);
      expect(firstText(result)).not.toContain('holdfast deny');
    },
  );
});
