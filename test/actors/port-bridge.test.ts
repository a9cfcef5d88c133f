import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, type ScopeService } from '../../src/index.js';
import { decodeSnapshot, encodeSnapshot, packMessages, packReply, unpackMessages, validatePortMessage, type Batch, type BatchWire, type Message, type PortInit } from '../../src/protocol/index.js';
import { RawPeer } from '../shared/raw-peer.js';
import { Connection } from '../../src/pool/connection.js';
import { portChannel } from '../../src/pool/link.js';

let service: ScopeService;
let peer: RawPeer;
let init: PortInit;
beforeEach(async () => {
  service = createScopeService();
  peer = new RawPeer(service.connect(service.fork({ isolation: true }).setTag('given', 1)));
  init = (await peer.next()) as unknown as PortInit;
});
afterEach(async () => {
  peer.port.close();
  await service.close();
});

describe('the owner end of a port', () => {
  it('greets with the scope, its snapshot, a prefix and the flow-control window', () => {
    expect(init).toMatchObject({ type: 'init', lent: true, prefix: expect.stringMatching(/^w\d+$/) });
    expect(decodeSnapshot(init.snapshot)).toMatchObject({ id: init.scope, version: 1, tags: { given: 1 } });
    expect(init.window).toBeGreaterThan(0);
  });

  it('acknowledges each batch and answers snapshots by index', async () => {
    const ack = await peer.batch([
      { v: 1, type: 'setTag', scope: init.scope, key: 'a', value: 1 },
      { v: 1, type: 'snapshot', scope: init.scope },
    ]);
    expect(ack).toMatchObject({ type: 'ack', seq: 1, replies: [{ index: 1, snapshot: { tags: { given: 1, a: 1 } } }] });
  });

  it('reads a text batch like any other: each message judged on its own by the validator', async () => {
    peer.port.postMessage(['batch', 1, '', 1, 'snapshot', init.scope, 'setTag', init.scope, 'snapshot', 'nope'].join('\u001f'));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1, replies: [
      { index: 0, same: true },
      { index: 1, error: { code: 'INVALID_MESSAGE' } },
      { index: 2, error: { code: 'UNKNOWN_SCOPE' } },
    ] });
  });

  it('unpacks a run of breadcrumbs into one message each: indexes count them one by one, a bad one refuses only itself', async () => {
    const crumb = (message: unknown) => ({ timestamp: 1, message });
    const ack = await peer.batch([
      { v: 1, type: 'setTag', scope: init.scope, key: 'a', value: 1 },
      { v: 1, type: 'addBreadcrumbs', scope: init.scope, breadcrumbs: [crumb('one'), crumb(2), crumb('three')] },
      { v: 1, type: 'snapshot', scope: init.scope },
      { v: 1, type: 'addBreadcrumbs', scope: init.scope, breadcrumbs: 'not a list' },
    ]);
    expect(ack).toMatchObject({ type: 'ack', replies: [
      { index: 2, error: { code: 'INVALID_MESSAGE' } },
      { index: 4, snapshot: { breadcrumbs: [{ message: 'one' }, { message: 'three' }] } },
      { index: 5, error: { code: 'INVALID_MESSAGE' } },
    ] });
  });

  it('packs what it sends the same way, and the owner gets every message in order', () => {
    const scope = 'w1.1';
    const add = (message: string, to = scope) => ({ v: 1, type: 'addBreadcrumb', scope: to, breadcrumb: { timestamp: 1, message } }) as Message;
    const tag = { v: 1, type: 'setTag', scope, key: 'k', value: 1 } as Message;
    const messages = [add('a'), tag, add('b'), add('c'), add('d', 'w1.2'), add('e', 'w1.2'), add('f')];
    const packed = packMessages(messages);
    expect(packed.map((m) => (m as Message).type)).toEqual(['addBreadcrumb', 'setTag', 'addBreadcrumbs', 'addBreadcrumbs', 'addBreadcrumb']);
    expect(unpackMessages(packed)).toEqual(messages);
  });

  it('lets a connection reach only its scope and its own forks: everything else is UNKNOWN_SCOPE', async () => {
    const other = service.fork({ isolation: true });
    const before = other.snapshot();
    const foreign = ['global', other.id, `${init.prefix}9.1`, 'w999.1'];
    const ack = await peer.batch(foreign.map((scope) => ({ v: 1, type: 'setTag', scope, key: 'x', value: 1 })));
    expect(ack.type === 'ack' && ack.replies.map((r) => 'error' in r && r.error.code)).toEqual(foreign.map(() => 'UNKNOWN_SCOPE'));
    expect(other.snapshot()).toBe(before);
    expect(service.global.snapshot().tags).toEqual({});
  });

  it('accepts forks only under its prefix, and reaches them later in the same batch', async () => {
    const mine = `${init.prefix}.1`;
    const ack = await peer.batch([
      { v: 1, type: 'fork', scope: init.scope, id: 'elsewhere.1' },
      { v: 1, type: 'fork', scope: init.scope, id: mine },
      { v: 1, type: 'setTag', scope: mine, key: 'child', value: true },
      { v: 1, type: 'snapshot', scope: mine },
    ]);
    expect(ack).toMatchObject({
      replies: [
        { index: 0, error: { code: 'INVALID_MESSAGE' } },
        { index: 3, snapshot: { tags: { given: 1, child: true } } },
      ],
    });
  });

  it('refuses to close a lent scope, and refuses malformed batches whole', async () => {
    const ack = await peer.batch([{ v: 1, type: 'close', scope: init.scope }]);
    expect(ack).toMatchObject({ replies: [{ index: 0, error: { code: 'INVALID_MESSAGE' } }] });
    peer.port.postMessage(['batch', 1, undefined, 'x']);
    expect(await peer.next()).toMatchObject({ type: 'ack', replies: [{ index: -1, error: { code: 'INVALID_MESSAGE' } }] });
    peer.port.postMessage(['batch', 2, undefined, 9]);
    expect(await peer.next()).toMatchObject({ type: 'ack', replies: [{ index: -1, error: { code: 'INVALID_MESSAGE' } }] });
  });

  it('on release, applies what the other side posted before it died, though not yet dispatched here', () => {
    const scope = service.fork({ isolation: true });
    const baseline = (scope.snapshot(), service.stats().scopes);
    const session = service.session(scope, false, false);
    const { init } = session;
    const { port1, port2: port } = new MessageChannel();
    const bridge = service.link(port1, () => session);
    bridge.serve(session);
    const child = `${init.prefix}.1`;
    port.postMessage([
      'batch', 1, undefined, 1,
      { v: 1, type: 'setTag', scope: scope.id, key: 'last', value: 'words' },
      { v: 1, type: 'fork', scope: scope.id, id: child },
    ]);
    port.close(); // the worker is gone; its batch still waits in the owner's port queue
    bridge.release(); // as the pool does when piscina reports the death first: same turn, nothing dispatched yet
    expect(scope.snapshot().tags).toEqual({ last: 'words' });
    expect(service.stats().scopes).toBe(baseline); // the fork it made was applied, then closed
  });

  it('closes the scopes a connection forked and left open when its port closes', async () => {
    const baseline = service.stats().scopes;
    await peer.batch([{ v: 1, type: 'fork', scope: init.scope, id: `${init.prefix}.1` }]);
    expect(service.stats().scopes).toBe(baseline + 1);
    peer.port.close();
    await expect.poll(() => service.stats().scopes, { timeout: 10_000 }).toBe(baseline); // the owner sees the port close a few turns later
  });
});

describe('the remote end: credit-based flow', () => {
  it('never has more than `window` batches unacknowledged, and sends the rest as credit returns', async () => {
    const { port1: owner, port2: remote } = new MessageChannel();
    const window = 2;
    const snapshot = createScopeService().fork().snapshot();
    const connection = new Connection(portChannel(remote), { v: 1, type: 'init', scope: snapshot.id, snapshot: encodeSnapshot(snapshot), lent: true, prefix: 'w1', maxBreadcrumbs: 10, mailboxLimit: 100_000, window });
    const batches: Batch[] = [];
    let wake = (): void => {};
    owner.on('message', (wire: BatchWire) => {
      batches.push(validatePortMessage(wire) as Batch);
      wake();
    });
    for (let i = 0; i < 5_000; i++) connection.write({ v: 1, type: 'setTag', scope: snapshot.id, key: 'k', value: i });
    const drained = connection.drain();
    const arrivals = async (n: number) => {
      while (batches.length < n) await new Promise<void>((resolve) => (wake = resolve));
    };
    await arrivals(window);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(window); // no credit left: the other 3,000 messages wait on the sender's side
    for (let acked = 0; acked < 5; acked++) {
      await arrivals(acked + 1);
      owner.postMessage(packReply({ v: 1, type: 'ack', seq: batches[acked]!.seq, replies: [] }));
    }
    await drained;
    expect(batches.map((b) => b.messages.length)).toEqual([1024, 1024, 1024, 1024, 904]);
    owner.close();
  });

  it('posts a full batch at once, while the sender is still writing, and the rest at the end of the turn', async () => {
    const snapshot = createScopeService().fork().snapshot();
    const posted: Batch[] = [];
    const channel = { post: (wire: BatchWire) => void posted.push(validatePortMessage(wire) as Batch), listen: () => {}, close: () => {}, collected: false };
    const connection = new Connection(channel, { v: 1, type: 'init', scope: snapshot.id, snapshot: encodeSnapshot(snapshot), lent: true, prefix: 'w1', maxBreadcrumbs: 10, mailboxLimit: 100_000, window: 8 });
    for (let i = 0; i < 2_100; i++) connection.write({ v: 1, type: 'setTag', scope: snapshot.id, key: 'k', value: i });
    expect(posted.map((b) => b.messages.length)).toEqual([1024, 1024]); // sent during the loop, not after it
    await Promise.resolve();
    expect(posted.map((b) => b.messages.length)).toEqual([1024, 1024, 52]);
    expect(posted.map((b) => b.seq)).toEqual([1, 2, 3]);
  });

  it('refuses writes past mailboxLimit with MAILBOX_FULL and loses none it accepted', async () => {
    const small = createScopeService({ mailboxLimit: 100, maxBreadcrumbs: 1_000 });
    const client = await import('../../src/pool/worker.js').then(({ connectScope }) => connectScope(small.connect(small.fork())));
    let accepted = 0;
    let full = 0;
    for (let i = 0; i < 150; i++) {
      try {
        client.addBreadcrumb({ message: String(i) });
        accepted += 1;
      } catch (error) {
        expect(error).toMatchObject({ code: 'MAILBOX_FULL' });
        full += 1;
      }
    }
    await client.flush();
    expect([accepted, full]).toEqual([100, 50]);
    expect((await client.refresh()).breadcrumbs).toHaveLength(100);
    await small.close();
  });
});
