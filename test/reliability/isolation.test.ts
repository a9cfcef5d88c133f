import { describe, expect, it } from 'vitest';
import { createScopeService, type ScopeSnapshot } from '../../src/index.js';
import type { PortInit, PortReply } from '../../src/protocol/index.js';
import { RawPeer } from '../shared/raw-peer.js';

async function connection(service: ReturnType<typeof createScopeService>) {
  const peer = new RawPeer(service.connect(service.fork({ isolation: true })));
  return { peer, init: (await peer.next()) as unknown as PortInit };
}

const codes = (ack: PortReply) => (ack.type === 'ack' ? ack.replies.map((r) => ('error' in r ? r.error.code : 'snapshot')) : []);

describe('isolation between tasks', () => {
  it('a connection cannot read or write any scope but its own and its forks, whatever id it guesses', async () => {
    const service = createScopeService();
    const victims = [await connection(service), await connection(service)];
    for (const v of victims) await v.peer.batch([1, 2, 3].map((n) => ({ v: 1, type: 'fork', scope: v.init.scope, id: `${v.init.prefix}.${n}` })));
    const { peer, init } = await connection(service);
    const guesses = new Set<string>(['global']);
    for (let s = 1; s <= 50; s++) guesses.add(`s${s}`);
    for (let w = 1; w <= 20; w++) for (let n = 1; n <= 20; n++) guesses.add(`w${w}.${n}`);
    for (const own of [init.scope, `${init.prefix}.1`]) guesses.delete(own);
    const ids = [...guesses];
    const before = ids.map((scope) => { try { return service.send({ v: 1, type: 'snapshot', scope }) as ScopeSnapshot; } catch { return undefined; } });
    const reads = await peer.batch(ids.map((scope) => ({ v: 1, type: 'snapshot', scope })));
    const writes = await peer.batch(ids.flatMap((scope) => [
      { v: 1, type: 'setTag', scope, key: 'stolen', value: 1 },
      { v: 1, type: 'close', scope },
      { v: 1, type: 'fork', scope, id: `${init.prefix}.9` },
    ]));
    expect(new Set(codes(reads))).toEqual(new Set(['UNKNOWN_SCOPE']));
    expect(codes(reads)).toHaveLength(ids.length);
    expect(new Set(codes(writes))).toEqual(new Set(['UNKNOWN_SCOPE']));
    expect(codes(writes)).toHaveLength(ids.length * 3);
    ids.forEach((scope, i) => { try { expect(service.send({ v: 1, type: 'snapshot', scope })).toBe(before[i]); } catch { expect(before[i]).toBeUndefined(); } });
    await service.close();
  });

  it('a fork id squatted by someone else stays out of reach even after the connection tries to fork it', async () => {
    const service = createScopeService();
    const { peer, init } = await connection(service);
    const squatted = `${init.prefix}.5`;
    service.send({ v: 1, type: 'fork', scope: 'global', id: squatted });
    service.send({ v: 1, type: 'setTag', scope: squatted, key: 'owner', value: 'main thread' });
    const ack = await peer.batch([
      { v: 1, type: 'fork', scope: init.scope, id: squatted },
      { v: 1, type: 'setTag', scope: squatted, key: 'stolen', value: 1 },
    ]);
    expect(codes(ack)).toEqual(['INVALID_MESSAGE', 'UNKNOWN_SCOPE']);
    expect((service.send({ v: 1, type: 'snapshot', scope: squatted }) as ScopeSnapshot).tags).toEqual({ owner: 'main thread' });
    peer.port.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => service.send({ v: 1, type: 'snapshot', scope: squatted })).not.toThrow();
    await service.close();
  });
});
