// One trace across two processes: this process calls a child service over HTTP on 127.0.0.1
// with traceHeaders(); the child continues the trace, and its event links to our span.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { createScopeService, type ScopeEvent } from '../../../src/index.js';
import { traceHeaders } from '../../../src/integrations/sentry/index.js';

it('carries the trace id to the child and links the child event to the calling span', async () => {
  const child = spawn(process.execPath, [new URL('../../fixtures/trace-child.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string);
    const { port } = await next();

    const events: ScopeEvent[] = [];
    const service = createScopeService({ onEvent: (event) => void events.push(event) });
    const request = service.fork({ isolation: true });
    const headers = traceHeaders(request.snapshot());
    const reply = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
      }).on('error', reject);
    });
    const { event: childEvent } = (await next()) as { event: ScopeEvent };
    await request.captureMessage('parent after the call');

    const ours = request.snapshot().propagationContext;
    expect(JSON.parse(reply).eventId).toBe(childEvent.event_id);
    expect(childEvent.tags).toMatchObject({ service: 'child' });
    expect(childEvent.contexts?.trace?.trace_id).toBe(ours.traceId);
    expect(childEvent.contexts?.trace?.parent_span_id).toBe(ours.propagationSpanId);
    expect(events[0]!.contexts?.trace).toMatchObject({ trace_id: ours.traceId, span_id: ours.propagationSpanId });
    await service.close();
  } finally {
    child.kill('SIGTERM');
  }
});
