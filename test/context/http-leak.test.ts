// The example server under load: 1,000 concurrent requests, a third of them throwing, and not one
// event may carry another request's user, tags or breadcrumbs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { expect, it } from 'vitest';
import { createScopeService, type ScopeEvent } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { poolOffload, reportPool } from '../../examples/http-server/offload.js';
import { buildServer } from '../../examples/http-server/server.js';
import { httpCall, type HttpCall } from '../shared/http-client.js';

const REQUESTS = 1_000;
const SOCKETS = 50;

interface Plan {
  call: HttpCall;
  requestId: string;
  fail: boolean;
  expected: { user: { id: string }; tags: Record<string, string>; breadcrumbs: string[] };
}

function plan(i: number): Plan {
  const requestId = `r-${i}`;
  const fail = i % 3 === 0;
  const headers = { 'x-request-id': requestId, 'x-user-id': `user-${i}` };
  const user = { id: `user-${i}` };
  if (i % 2 === 0) {
    const path = `/orders/${i}${fail ? '?fail=1' : ''}`;
    const breadcrumbs = [`GET ${path}`, `load order ${i} for ${requestId}`, `price order ${i} for ${requestId}`];
    return { call: { method: 'GET', path, headers }, requestId, fail, expected: { user, tags: { method: 'GET', route: '/orders/:id', request_id: requestId }, breadcrumbs } };
  }
  const steps = 1 + (i % 4);
  const taskCrumbs = Array.from({ length: steps }, (_, k) => `report ${requestId} step ${k + 1}`);
  const breadcrumbs = ['POST /reports', `report requested by ${requestId}`, ...taskCrumbs];
  return {
    call: { method: 'POST', path: '/reports', headers, body: { steps, fail } },
    requestId,
    fail,
    expected: { user, tags: { method: 'POST', route: '/reports', request_id: requestId }, breadcrumbs },
  };
}

/** What of `event` differs from what its own request put in its scope; empty when it is exactly its own. */
function leaksIn(event: ScopeEvent, expected: Plan['expected']): string[] {
  const found = { user: event.user, tags: event.tags, breadcrumbs: event.breadcrumbs?.map((crumb) => crumb.message) };
  return (['user', 'tags', 'breadcrumbs'] as const).filter((key) => JSON.stringify(found[key]) !== JSON.stringify(expected[key]));
}

it(`keeps ${REQUESTS} concurrent requests apart and closes every request scope`, async () => {
  const events = new Map<string, ScopeEvent>();
  const service = createScopeService({ onEvent: (event) => void events.set(event.event_id!, event) });
  const context = createScopeContext(service);
  // The /reports work runs in pool worker threads, with the request's scope lent to the task.
  const pool = reportPool(service, context, { maxThreads: 2 });
  const app = await buildServer({ context, offload: poolOffload(pool) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
  service.flush();
  const baseline = service.stats().scopes;

  const plans = Array.from({ length: REQUESTS }, (_, i) => plan(i));
  const started = performance.now();
  const replies = await Promise.all(plans.map((p) => httpCall(agent, origin, p.call)));
  const wallMs = Math.round(performance.now() - started);
  agent.destroy();
  await app.close(); // resolves once every request scope is closed
  await pool.destroy();

  let checked = 0;
  const leaks: string[] = [];
  plans.forEach((p, i) => {
    const reply = replies[i]!;
    const body = reply.body as { requestId?: string; eventId?: string };
    if (!p.fail) {
      expect(reply.status).toBe(200);
      expect(body.requestId).toBe(p.requestId);
      return;
    }
    expect(reply.status).toBe(500);
    const event = events.get(body.eventId!);
    expect(event, `event for ${p.requestId}`).toBeDefined();
    checked += 1;
    for (const field of leaksIn(event!, p.expected)) leaks.push(`${p.requestId}: ${field}`);
  });

  console.log(JSON.stringify({ requestsSent: REQUESTS, eventsChecked: checked, leaks: leaks.length, wallMs, sockets: SOCKETS }));
  expect(leaks).toEqual([]);
  expect(checked).toBe(plans.filter((p) => p.fail).length);
  expect(events.size).toBe(checked);
  // Nothing escaped to the global scope (where a lost context would write) ...
  expect(service.global.snapshot()).toMatchObject({ breadcrumbs: [], user: null, tags: {} });
  // ... and every request scope was closed.
  service.flush();
  expect(service.stats().scopes).toBe(baseline);
  await service.close();
}, 30_000);

it('closes the scope of an aborted request; the handler still runs in it and meets SCOPE_CLOSED', async () => {
  const events: ScopeEvent[] = [];
  const service = createScopeService({ onEvent: (event) => void events.push(event) });
  const context = createScopeContext(service);
  const app = await buildServer({ context });
  let reached: () => void = () => undefined;
  const handlerReached = new Promise<void>((resolve) => (reached = resolve));
  // Holds the request until the client has gone and resumes it from an event listener, outside
  // the request's async context: the plugin must still run the handler inside it.
  app.addHook('preHandler', (_request, reply, done) => {
    reply.raw.once('close', () => done());
    reached();
  });
  // The handler's outcome: its error, or (should it succeed) the payload it sends.
  const handlerOutcome = new Promise<unknown>((resolve) => {
    app.addHook('onError', (_request, _reply, error, done) => (resolve(error), done()));
    app.addHook('onSend', (_request, _reply, payload, done) => (resolve(payload), done(null, payload)));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const baseline = service.stats().scopes;

  const aborted = new AbortController();
  const call = http.get(`${origin}/orders/1`, { signal: aborted.signal, headers: { 'x-user-id': 'gone' } });
  const callFailed = new Promise((resolve) => call.on('error', resolve));
  await handlerReached;
  aborted.abort();
  await callFailed;
  expect(await handlerOutcome).toMatchObject({ code: 'SCOPE_CLOSED' });
  await app.close();

  expect(events).toEqual([]);
  expect(service.global.snapshot().breadcrumbs).toEqual([]);
  service.flush();
  expect(service.stats().scopes).toBe(baseline);
  await service.close();
});
