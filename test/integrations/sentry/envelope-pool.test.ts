// Captures from pool workers through the real Sentry client to the loopback ingest.
import { NodeClient, defaultStackParser, makeNodeTransport } from '@sentry/node';
import { afterEach, expect, it } from 'vitest';
import { createScopeService } from '../../../src/index.js';
import { sentrySink } from '../../../src/integrations/sentry/index.js';
import { startIngest, type Ingest } from '../../shared/ingest.js';
import { testPool } from '../../shared/pool.js';

let ingest: Ingest | undefined;
afterEach(async () => {
  await ingest?.close();
});

it('delivers every worker capture with the scope it was forked from, none lost', async () => {
  ingest = await startIngest();
  const client = new NodeClient({ dsn: ingest.dsn, transport: makeNodeTransport, stackParser: defaultStackParser, integrations: [] });
  const service = createScopeService({ onEvent: sentrySink(client) });
  const pool = testPool({ service });
  const N = 12;
  const ids = await Promise.all(
    Array.from({ length: N }, (_, i) => {
      const request = service.fork({ isolation: true }).setTag('request', i).setUser({ id: i });
      return pool.run({ message: `worker boom ${i}` }, { scope: request, name: 'capture' }).finally(() => request.close());
    }),
  );
  await pool.close();
  await service.close();
  const events = ingest.events();
  expect(events).toHaveLength(N);
  expect(new Set(events.map((e) => e.event_id))).toEqual(new Set(ids));
  for (const event of events) {
    const i = Number(event.tags.request);
    expect(event.user).toEqual({ id: i });
    expect(event.exception.values[0].value).toBe(`worker boom ${i}`);
    expect(event.breadcrumbs.map((c: { message: string }) => c.message)).toEqual(['in worker']);
  }
}, 30_000);
