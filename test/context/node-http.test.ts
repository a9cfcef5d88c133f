// The README's node:http pattern, run as written against real HTTP on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createScopeService, type ScopeEvent } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { scopedListener } from '../../examples/node-http/scoped-listener.js';
import { httpCall } from '../shared/http-client.js';

const REQUESTS = 200;

it('the README quotes the node:http pattern verbatim', async () => {
  const source = await readFile(new URL('../../examples/node-http/scoped-listener.ts', import.meta.url), 'utf8');
  const region = /\/\/ #region scoped-listener\n([\s\S]*?)\/\/ #endregion/.exec(source)?.[1];
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  expect(region).toBeTruthy();
  expect(readme).toContain(region);
});

it(`keeps ${REQUESTS} concurrent node:http requests in their own scopes and closes them all`, async () => {
  const events = new Map<string, ScopeEvent>();
  const service = createScopeService({ onEvent: (event) => void events.set(event.event_id!, event) });
  const context = createScopeContext(service);
  const listener = scopedListener(context, async (req, res) => {
    const user = req.headers['x-user-id'];
    for (const step of [1, 2]) {
      await nextTurn();
      context.getCurrentScope().addBreadcrumb({ message: `${user} step ${step}` });
    }
    if (req.url?.includes('fail')) throw new Error(`failed for ${user}`);
    res.end(JSON.stringify({ user: context.getCurrentScope().snapshot().user?.id }));
  });
  const lifecycles: Promise<void>[] = [];
  const server = http.createServer((req, res) => void lifecycles.push(listener(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const baseline = service.stats().scopes;

  const fails = (i: number) => i % 3 === 0;
  const replies = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => httpCall(agent, origin, { method: 'GET', path: `/items/${i}${fails(i) ? '?fail' : ''}`, headers: { 'x-user-id': `u${i}` } })),
  );
  agent.destroy();
  await Promise.all(lifecycles);
  await new Promise((resolve) => server.close(resolve));

  replies.forEach((reply, i) => {
    const body = reply.body as { user?: string; eventId?: string };
    if (!fails(i)) return expect(body.user).toBe(`u${i}`);
    expect(reply.status).toBe(500);
    const event = events.get(body.eventId!);
    expect(event?.user).toEqual({ id: `u${i}` });
    expect(event?.tags).toEqual({ method: 'GET', path: `/items/${i}` });
    expect(event?.breadcrumbs?.map((crumb) => crumb.message)).toEqual([`u${i} step 1`, `u${i} step 2`]);
  });
  expect(events.size).toBe(replies.filter((_, i) => fails(i)).length);
  service.flush();
  expect(service.stats().scopes).toBe(baseline);
  await service.close();
});
