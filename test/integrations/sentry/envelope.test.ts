// Events out through the real Sentry client and transport to an ingest server on 127.0.0.1.
import { makeNodeTransport, NodeClient, defaultStackParser } from '@sentry/node';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createScopeService, type ScopeService } from '../../../src/index.js';
import { sentrySink } from '../../../src/integrations/sentry/index.js';
import { startIngest, type Ingest } from '../../shared/ingest.js';
import { testPool } from '../../shared/pool.js';

let ingest: Ingest;
let service: ScopeService;
beforeEach(async () => {
  ingest = await startIngest();
  const client = new NodeClient({ dsn: ingest.dsn, transport: makeNodeTransport, stackParser: defaultStackParser, integrations: [], sendClientReports: false, release: 'test@1' });
  service = createScopeService({ onEvent: sentrySink(client) });
});
afterEach(async () => {
  await service.close();
  await ingest.close();
});

const events = () => ingest.envelopes.flatMap((envelope) => envelope.items.filter((item) => item.header.type === 'event').map((item) => ({ envelope, event: item.payload })));

it('sends every capture, from this thread and from pool workers, with its scope data; close() flushes', async () => {
  service.global.setTag('service', 'ingest-test');
  const request = service.fork({ isolation: true });
  request
    .setUser({ id: 'u-1', email: 'u@example.test' })
    .setTag('route', '/pay')
    .setContext('order', { id: 7 })
    .setLevel('warning')
    .setFingerprint(['{{ default }}', 'pay'])
    .setTransactionName('POST /pay')
    .addBreadcrumb({ category: 'http', message: 'POST /pay', timestamp: 1_700_000_000 });
  const trace = request.snapshot().propagationContext;

  const pool = testPool({ service });
  const ids = [
    await request.captureException(new Error('card declined')),
    await request.captureMessage('slow payment', 'info'),
    (await pool.run({ message: 'worker failed' }, { scope: request, name: 'captureWithData' })) as string,
  ];
  await pool.destroy();
  await service.close(); // flushes the Sentry client: no explicit client.flush()

  const received = events();
  expect(received.map(({ event }) => event.event_id).sort()).toEqual([...ids].sort());
  for (const { envelope, event } of received) {
    expect(event).toMatchObject({
      user: { id: 'u-1', email: 'u@example.test' },
      tags: { service: 'ingest-test', route: '/pay' },
      contexts: { order: { id: 7 }, trace: { trace_id: trace.traceId, span_id: trace.propagationSpanId } },
      level: 'warning',
      fingerprint: ['{{ default }}', 'pay'],
      transaction: 'POST /pay',
      release: 'test@1',
    });
    expect((event.breadcrumbs as Array<{ message: string }>)[0]).toMatchObject({ category: 'http', message: 'POST /pay', timestamp: 1_700_000_000 });
    expect(envelope.header).toMatchObject({ event_id: event.event_id, trace: { trace_id: trace.traceId } });
  }
  const [thrown, , fromWorker] = ids.map((id) => received.find(({ event }) => event.event_id === id)!.event);
  const frames = (thrown!.exception as { values: Array<{ type: string; value: string; stacktrace?: { frames: unknown[] } }> }).values[0]!;
  expect(frames).toMatchObject({ type: 'Error', value: 'card declined' });
  expect(frames.stacktrace?.frames.length).toBeGreaterThan(0);
  expect(fromWorker).toMatchObject({ tags: { where: 'worker' }, contexts: { job: { kind: 'report' } }, exception: { values: [{ type: 'TypeError', value: 'worker failed' }] } });
  expect((fromWorker!.breadcrumbs as Array<{ message: string }>).map((c) => c.message)).toEqual(['POST /pay', 'before failing']);
});

it("honours the client's beforeSend and sample rate", async () => {
  const client = new NodeClient({
    dsn: ingest.dsn,
    transport: makeNodeTransport,
    stackParser: defaultStackParser,
    integrations: [],
    sendClientReports: false,
    beforeSend: (event) => (event.message === 'drop me' ? null : { ...event, tags: { ...event.tags, seen: 'beforeSend' } }),
  });
  const own = createScopeService({ onEvent: sentrySink(client) });
  const scope = own.fork({ isolation: true });
  await scope.captureMessage('drop me');
  const kept = await scope.captureMessage('keep me');
  await own.close();
  expect(events().map(({ event }) => [event.event_id, (event.tags as Record<string, string>).seen])).toEqual([[kept, 'beforeSend']]);

  const sampledOut = new NodeClient({ dsn: ingest.dsn, transport: makeNodeTransport, stackParser: defaultStackParser, integrations: [], sampleRate: 0 });
  const quiet = createScopeService({ onEvent: sentrySink(sampledOut) });
  await quiet.fork().captureMessage('never sent');
  await quiet.close();
  expect(events()).toHaveLength(1);
});
