import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, type ScopeService } from '../../src/index.js';
import { decodeSnapshot } from '../../src/protocol/index.js';
import { RawPeer } from '../shared/raw-peer.js';

let service: ScopeService;
beforeEach(() => {
  service = createScopeService();
});
afterEach(async () => {
  await service.close();
});

/** A session over a link of its own, spoken to by hand. */
function open(fork: boolean) {
  const scope = service.fork({ isolation: true }).setTag('given', 1);
  const session = service.session(scope, fork, true);
  const { init } = session;
  const { port1, port2 } = new MessageChannel();
  service.link(port1, (id) => (id === init.session ? session : undefined));
  const peer = new RawPeer(port2);
  const ask = (...messages: unknown[]) => peer.batch(messages, init.session);
  return { scope, init, session, peer, ask };
}

describe('a remote session', () => {
  it('answers a snapshot the remote already holds with `same`, and a changed one in full', async () => {
    const { init, ask, peer } = open(false);
    expect(init).toMatchObject({ lent: true, prefix: expect.stringMatching(/^w\d+$/) }); // the scope may have other connections
    const read = { v: 1, type: 'snapshot', scope: init.scope };
    expect(await ask(read)).toMatchObject({ replies: [{ index: 0, same: true }] });
    expect(await ask({ v: 1, type: 'setTag', scope: init.scope, key: 'k', value: 2 }, read)).toMatchObject({
      replies: [{ index: 1, snapshot: { version: 2, tags: { given: 1, k: 2 } } }],
    });
    expect(await ask(read)).toMatchObject({ replies: [{ index: 0, same: true }] });
    peer.port.close();
  });

  it('on a fork of its own: the owner holds the fork only once the remote sends, its unchanged start is `same`', async () => {
    const baseline = (service.fork().close(), service.stats().scopes);
    const { scope, init, session, ask, peer } = open(true);
    expect(init.scope).not.toBe(scope.id);
    expect(init).toMatchObject({ lent: false, prefix: init.scope }); // its forks are named under it
    expect(decodeSnapshot(init.snapshot)).toMatchObject({ id: init.scope, version: 0, isolationId: scope.id, tags: { given: 1 } });
    expect(service.stats().scopes).toBe(baseline + 1); // the parent only
    scope.setTag('given', 'later'); // after the fork was taken: not the fork's

    expect(await ask({ v: 1, type: 'snapshot', scope: init.scope })).toMatchObject({ replies: [{ index: 0, same: true }] });
    expect(service.stats().scopes).toBe(baseline + 2);
    expect(service.send({ v: 1, type: 'snapshot', scope: init.scope })).toMatchObject({ version: 0, tags: { given: 1 } });
    session.release();
    expect(service.stats().scopes).toBe(baseline + 1);
    peer.port.close();
  });

  it('on a fork of the global scope: starts empty, with a trace of its own', () => {
    service.global.setTag('everywhere', 1);
    const { init } = service.session(service.global, true, true);
    const start = decodeSnapshot(init.snapshot);
    expect(start).toMatchObject({ id: init.scope, version: 0, tags: {} });
    expect(start.propagationContext.traceId).not.toBe(service.global.snapshot().propagationContext.traceId);
  });

  it('on a fork of its own that the remote never uses: no scope is made or closed', () => {
    const before = service.stats();
    const { session } = open(true);
    session.release();
    const after = service.stats();
    expect(after.scopes).toBe(before.scopes + 1); // the parent `open` forked
    expect(after.applied - before.applied).toBe(2); // that fork and its setTag: nothing for the session
  });

  it('reaches nothing once it closed its root, and ends with the refusals the remote had not read', async () => {
    const { init, session, ask, peer } = open(true);
    await ask({ v: 1, type: 'close', scope: init.scope });
    expect(await ask({ v: 1, type: 'setTag', scope: init.scope, key: 'k', value: 1 })).toMatchObject({
      replies: [{ index: 0, error: { code: 'UNKNOWN_SCOPE' } }],
    });
    await expect(Promise.race([session.ended, Promise.resolve('open')])).resolves.toBe('open');
    session.end(1); // the remote read the ack of batch 1 only
    await session.ended;
    expect(session.unread).toMatchObject({ code: 'UNKNOWN_SCOPE' });
    peer.port.close();
  });
});
