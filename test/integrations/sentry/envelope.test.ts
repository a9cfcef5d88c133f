// scope-actor events through the real @sentry/node client and transport, to a loopback ingest.
import { NodeClient, defaultStackParser, makeNodeTransport } from '@sentry/node';
import * as sentry from '@sentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, type ScopeService } from '../../../src/index.js';
import { continueTrace, sentrySink } from '../../../src/integrations/sentry/index.js';
import { startIngest, type Ingest } from '../../shared/ingest.js';

let ingest: Ingest;
let service: ScopeService | undefined;
beforeEach(async () => {
  ingest = await startIngest();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await ingest.close();
});

function client(options: Partial<ConstructorParameters<typeof NodeClient>[0]> = {}): NodeClient {
  return new NodeClient({ dsn: ingest.dsn, transport: makeNodeTransport, stackParser: defaultStackParser, integrations: [], release: 'r1', environment: 'test', ...options });
}

describe('sentrySink through a real NodeClient and HTTP transport', () => {
  it('delivers every field exactly as set, one envelope per capture, all flushed by service.close()', async () => {
    const errors: unknown[] = [];
    service = createScopeService({ onEvent: sentrySink(client()), onError: (e) => errors.push(e) });
    service.global.setTag('service', 'api').setContext('runtime', { name: 'node' });
    const trace = continueTrace({ 'sentry-trace': `${'1'.repeat(32)}-${'2'.repeat(16)}-1`, baggage: 'sentry-trace_id=' + '1'.repeat(32) + ',sentry-public_key=public,sentry-sample_rand=0.25' });
    const captures: Promise<string>[] = [];
    const N = 20;
    for (let i = 0; i < N; i++) {
      const scope = service.fork({ isolation: true });
      scope
        .setTag('request', i)
        .setUser({ id: `u${i}`, email: `u${i}@x.test` })
        .setContext('job', { index: i, nested: { deep: 'within normalizeDepth' } })
        .setLevel('warning')
        .setFingerprint(['{{ default }}', `fp-${i}`])
        .setTransactionName(`GET /items/${i}`)
        .setPropagationContext(trace)
        .addBreadcrumb({ message: 'first', category: 'test', timestamp: 1000 + i, data: { i } })
        .addBreadcrumb({ message: 'second', level: 'info', timestamp: 2000 + i });
      // Not awaited: service.close() must wait for these sends.
      captures.push(scope.captureException(new Error(`boom ${i}`)));
      scope.close();
    }
    await service.close();
    expect(ingest.events()).toHaveLength(N);
    const ids = await Promise.all(captures);
    expect(errors).toEqual([]);

    const events = ingest.events();
    expect(events).toHaveLength(N);
    expect(new Set(events.map((e) => e.event_id))).toEqual(new Set(ids));
    for (const envelope of ingest.envelopes) {
      expect(envelope.header.event_id).toBe(envelope.items[0]!.json().event_id);
      expect(envelope.header.trace).toMatchObject({ trace_id: '1'.repeat(32), public_key: 'public', sample_rand: '0.25' });
    }
    for (const event of events) {
      const i = Number(event.tags.request);
      expect(event.event_id).toBe(ids[i]);
      expect(event.tags).toEqual({ service: 'api', request: i });
      expect(event.user).toEqual({ id: `u${i}`, email: `u${i}@x.test` });
      expect(event.contexts.job).toEqual({ index: i, nested: { deep: 'within normalizeDepth' } });
      expect(event.contexts.runtime).toEqual({ name: 'node' });
      expect(event.contexts.trace).toEqual({ trace_id: '1'.repeat(32), span_id: trace.propagationSpanId, parent_span_id: '2'.repeat(16) });
      expect(event.level).toBe('warning');
      expect(event.fingerprint).toEqual(['{{ default }}', `fp-${i}`]);
      expect(event.transaction).toBe(`GET /items/${i}`);
      expect(event.breadcrumbs).toEqual([
        { message: 'first', category: 'test', timestamp: 1000 + i, data: { i } },
        { message: 'second', level: 'info', timestamp: 2000 + i },
      ]);
      expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: `boom ${i}` });
      expect(event.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
      expect(event.release).toBe('r1');
    }
  });

  it('sends attachments as envelope items, gzipped when large', async () => {
    service = createScopeService({ onEvent: sentrySink(client()) });
    const big = 'x'.repeat(40_000);
    const scope = service.fork().addAttachment({ filename: 'log.txt', data: big, contentType: 'text/plain' });
    await scope.captureMessage('with attachments', 'info');
    await scope.captureEvent({ message: 'hinted' }, { attachments: [{ filename: 'bytes.bin', data: new Uint8Array([0, 1, 255]) }] });
    await service.close();
    expect(ingest.envelopes).toHaveLength(2);
    const [first, second] = ingest.envelopes.sort((a, b) => a.items.length - b.items.length);
    expect(first!.gzip).toBe(true);
    const attachment = first!.items.find((i) => i.header.type === 'attachment')!;
    expect(attachment.header).toMatchObject({ filename: 'log.txt', content_type: 'text/plain' });
    expect(attachment.payload.toString()).toBe(big);
    const names = second!.items.filter((i) => i.header.type === 'attachment').map((i) => i.header.filename);
    expect(names).toEqual(['bytes.bin', 'log.txt']);
    expect([...second!.items.find((i) => i.header.filename === 'bytes.bin')!.payload]).toEqual([0, 1, 255]);
  });

  it("honours the client's beforeSend and sampleRate, and settles dropped events at once", async () => {
    const seen: string[] = [];
    const sink = sentrySink(client({ beforeSend: (event) => (seen.push(event.message!), event.message === 'drop' ? null : event) }));
    service = createScopeService({ onEvent: sink });
    const scope = service.fork();
    await scope.captureMessage('keep');
    await scope.captureMessage('drop');
    await service.close();
    expect(seen).toEqual(['keep', 'drop']);
    expect(ingest.events().map((e) => e.message)).toEqual(['keep']);

    const sampledOut = createScopeService({ onEvent: sentrySink(client({ sampleRate: 0 })) });
    await sampledOut.fork().captureException(new Error('never sent'));
    await sampledOut.close();
    expect(ingest.events()).toHaveLength(1);
  });

  it("does not merge Sentry's own isolation or current scope data a second time", async () => {
    sentry.getIsolationScope().setTag('leak', 'isolation').addBreadcrumb({ message: 'leaked' });
    sentry.getCurrentScope().setTag('leak', 'current').setLevel('fatal');
    try {
      service = createScopeService({ onEvent: sentrySink(client()) });
      await service.fork().setTag('own', 'yes').captureMessage('clean', 'info');
      await service.close();
    } finally {
      sentry.getIsolationScope().setTag('leak', undefined).clearBreadcrumbs();
      sentry.getCurrentScope().setTag('leak', undefined).setLevel(undefined as unknown as sentry.SeverityLevel);
    }
    const [event] = ingest.events();
    expect(event.tags).toEqual({ own: 'yes' });
    expect(event.level).toBe('info');
    expect(event.breadcrumbs).toBeUndefined();
  });

  it('respects the rate limits the ingest answers with', async () => {
    await ingest.close();
    const { createServer } = await import('node:http');
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      req.resume().on('end', () => res.writeHead(429, { 'retry-after': '60' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    ingest = { ...ingest, close: () => new Promise((resolve) => server.close(() => resolve())) };
    service = createScopeService({ onEvent: sentrySink(client({ dsn: `http://public@127.0.0.1:${port}/1` })) });
    const scope = service.fork();
    await scope.captureMessage('first');
    for (let i = 0; i < 5; i++) await scope.captureMessage(`limited ${i}`);
    await service.close();
    expect(requests).toBe(1);
  });
});
