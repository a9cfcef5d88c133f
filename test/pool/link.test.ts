import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, type ScopeService, type ScopeSnapshot } from '../../src/index.js';
import type { ScopedPool } from '../../src/pool/index.js';
import { isLinkOffer } from '../../src/pool/index.js';
import { RawPeer } from '../shared/raw-peer.js';
import { testPool } from '../shared/pool.js';

let service: ScopeService;
let pool: ScopedPool<unknown, unknown>;
let offers: number;
beforeEach(() => {
  service = createScopeService();
  pool = testPool({ service, minThreads: 2, maxThreads: 2 });
  offers = 0;
  pool.piscina.on('message', (message) => void (isLinkOffer(message) && (offers += 1)));
});
afterEach(async () => {
  await pool.destroy();
  await service.close();
});

describe('one link per worker thread', () => {
  it('carries the sessions of every task the thread runs, each with its own scope', async () => {
    const iso = service.fork({ isolation: true });
    const views = (await Promise.all(Array.from({ length: 200 }, (_, i) => pool.run({ tag: `t${i}`, crumbs: 2 }, { scope: iso, name: 'write' })))) as ScopeSnapshot[];
    views.forEach((view, i) => expect(view).toMatchObject({ tags: { job: `t${i}` }, breadcrumbs: [{ message: `t${i}-0` }, { message: `t${i}-1` }] }));
    expect(new Set(views.map((view) => view.id)).size).toBe(200);
    expect(offers).toBeGreaterThan(0);
    expect(offers).toBeLessThanOrEqual(pool.piscina.threads.length);
    expect(service.stats().scopes).toBe(2); // the global scope and iso: every task's fork closed
  });

  it('holds a session for the thread that first used it: another link naming it reaches nothing', async () => {
    const iso = service.fork({ isolation: true });
    const said = new Promise<{ session: string; held: string }>((resolve) => {
      const heard: Record<string, string> = {};
      pool.piscina.on('message', (message: Record<string, string>) => {
        Object.assign(heard, message.session ? { session: message.session } : message.held ? { held: message.held } : {});
        if (heard.session && heard.held) resolve(heard as { session: string; held: string });
      });
    });
    const controller = new AbortController();
    const run = pool.run(null, { scope: iso, name: 'holdSession', signal: controller.signal });
    const { session, held } = await said;
    expect(service.send({ v: 1, type: 'snapshot', scope: held })).toMatchObject({ tags: { held: true } });

    // A second "thread" offers a link of its own and names the running task's session.
    const { port1, port2 } = new MessageChannel();
    pool.piscina.emit('message', { scopeActorLink: 1, port: port1 });
    const intruder = new RawPeer(port2);
    const write = { v: 1, type: 'setTag', scope: held, key: 'stolen', value: 1 };
    intruder.port.postMessage(['batch', 1, session, 1, write]);
    expect(await intruder.next()).toMatchObject({ type: 'ack', session, replies: [{ index: -1, error: { code: 'UNKNOWN_SCOPE' } }] });
    intruder.port.postMessage(['batch', 1, 'guessed', 2, write]);
    expect(await intruder.next()).toMatchObject({ type: 'ack', replies: [{ index: -1, error: { code: 'UNKNOWN_SCOPE' } }] });
    intruder.port.postMessage(['end', 1, session, 0]); // ending someone else's session does nothing
    intruder.port.postMessage({ v: 1, type: 'nonsense' });
    expect(await intruder.next()).toMatchObject({ type: 'ack', replies: [{ index: -1, error: { code: 'INVALID_MESSAGE' } }] });

    expect(service.send({ v: 1, type: 'snapshot', scope: held })).toMatchObject({ tags: { held: true } });
    expect((service.send({ v: 1, type: 'snapshot', scope: held }) as ScopeSnapshot).tags).not.toHaveProperty('stolen');
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => service.send({ v: 1, type: 'snapshot', scope: held })).toThrow(expect.objectContaining({ code: 'UNKNOWN_SCOPE' }));
    intruder.port.close();
  });
});
