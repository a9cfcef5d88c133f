import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, type ScopeSnapshot } from '../../src/index.js';
import type { PortInit, PortReply } from '../../src/protocol/index.js';
import { RawPeer } from '../shared/raw-peer.js';
import { expectConserved, expectTyped, expectUnpolluted, ownerSnapshots, Tally } from './fuzz/checks.js';
import { fuzzMessage } from './fuzz/messages.js';
import { canonical } from './model/real.js';

/** 100,000 in-thread and 10,000 port messages in npm test; FUZZ_MESSAGES=1000000 for the long form. */
const IN_THREAD = Number(process.env.FUZZ_MESSAGES ?? 100_000);
const THROUGH_PORT = Math.max(10_000, IN_THREAD / 10);
const CHUNK = 5_000;
const figures: string[] = [];
afterAll(() => figures.forEach((line) => console.log(`[reliability] ${line}`)));

describe('protocol fuzzing', () => {
  it(`answers ${IN_THREAD} random and malformed messages through service.send with a typed error or a correct change`, async () => {
    const service = createScopeService({ maxBreadcrumbs: 10, onError: () => {} });
    const baseline = service.stats().scopes;
    const tally = new Tally();
    const captures: Array<Promise<string>> = [];
    const forks: string[] = [];
    let a = service.fork({ isolation: true });
    let b = a.fork();
    for (let done = 0, seed = 1; done < IN_THREAD; done += CHUNK, seed += 1) {
      const ids = ['global', a.id, b.id, 'nope', 's999999', 'w1.1', 'fz.1'];
      for (const raw of fc.sample(fuzzMessage(ids, true), { numRuns: Math.min(CHUNK, IN_THREAD - done), seed })) {
        const tracked = ['global', a.id, b.id];
        const before = ownerSnapshots(service, tracked);
        let result: unknown;
        try {
          result = service.send(raw);
        } catch (error) {
          // Plain checks on the hot path (expect() per message would dominate the run); expect on failure.
          if (!(error instanceof ScopeError)) expectTyped(error);
          tally.add((error as ScopeError).code);
          const after = ownerSnapshots(service, tracked);
          if (after.some((snapshot, i) => snapshot !== before[i])) expect(after).toEqual(before);
          continue;
        }
        tally.add('accepted');
        if ((raw as { type: string }).type === 'fork') forks.push((raw as { id: string }).id);
        if (result instanceof Promise) captures.push(result);
        expectAppliedAsSent(raw as Record<string, unknown>, ownerSnapshots(service, [(raw as { scope: string }).scope])[0]);
      }
      expectUnpolluted();
      expectConserved(service);
      // Fresh targets for the next chunk; the scopes the fuzz forked are closed by id.
      service.deliver(forks.splice(0).map((scope) => ({ v: 1, type: 'close', scope })));
      a.close();
      a = service.fork({ isolation: true });
      b.close();
      b = a.fork();
      service.flush();
      expect(service.stats().scopes).toBe(baseline + 2);
    }
    await Promise.all(captures);
    expect(tally.total).toBe(IN_THREAD);
    expect(tally.counts.accepted).toBeGreaterThan(IN_THREAD / 20);
    expect(tally.counts.INVALID_MESSAGE).toBeGreaterThan(IN_THREAD / 10);
    figures.push(`fuzz service.send: ${IN_THREAD} messages: ${tally}; captures ${captures.length}`);
    await service.close();
  });

  it(`answers ${THROUGH_PORT} random and malformed messages through a worker port, batch by batch`, async () => {
    const service = createScopeService({ maxBreadcrumbs: 10, onError: () => {} });
    const given = service.fork({ isolation: true }).setTag('given', 1);
    const other = service.fork({ isolation: true }).setTag('other', 1);
    const peer = new RawPeer(service.connect(given));
    const init = (await peer.next()) as unknown as PortInit;
    const reach = [init.scope, `${init.prefix}.1`, `${init.prefix}.2`];
    const foreign = ['global', other.id, `${init.prefix}0.1`, 'w999.1', 's999'];
    const tally = new Tally();
    let seq = 0;
    const sample = fc.sample(fuzzMessage([...reach, ...foreign, 'fz.1'], false), { numRuns: THROUGH_PORT, seed: 7 });
    const messages = sample.map((m) => retarget(m, init.prefix)).filter(cloneable);
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const before = ownerSnapshots(service, [...reach, ...foreign]);
      const applied = service.stats().applied;
      peer.port.postMessage(['batch', 1, undefined, (seq += 1), ...batch]);
      const ack = await ackOf(peer, seq);
      const refused = ack.replies.filter((r) => 'error' in r);
      for (const reply of refused) tally.add(reply.error.code);
      for (let n = refused.length; n < batch.length; n++) tally.add('accepted');
      expect(service.stats().applied - applied).toBe(batch.length - refused.length);
      // Nothing reaches a scope outside the connection's reach; a wholly refused batch changes nothing.
      const after = ownerSnapshots(service, [...reach, ...foreign]);
      after.forEach((snapshot, j) => (j >= reach.length || refused.length === batch.length) && expect(snapshot).toBe(before[j]));
      if (i % 500 === 0) await expectEnvelopeRefused(peer, service, [...reach, ...foreign]);
    }
    expectUnpolluted();
    expectConserved(service);
    expect(other.snapshot().tags).toEqual({ other: 1 });
    figures.push(`fuzz worker port: ${messages.length} messages (${sample.length - messages.length} not cloneable, skipped): ${tally}`);
    peer.port.close();
    await service.close();
  });
});

/** An accepted tag or extra write shows in the owner's snapshot exactly as sent. */
function expectAppliedAsSent(raw: Record<string, unknown>, snapshot: ScopeSnapshot | undefined): void {
  if (raw.type === 'setTag') expect(Object.is(snapshot!.tags[raw.key as string], raw.value)).toBe(true);
  if (raw.type === 'setExtra') expect(canonical(snapshot!.extra[raw.key as string])).toStrictEqual(canonical(raw.value));
  if (raw.type === 'setUser' && raw.user !== null) expect(canonical(snapshot!.user)).toStrictEqual(canonical(raw.user));
}

/** Half the fuzz's forks get an id under the connection's prefix, so some are accepted. */
function retarget(message: unknown, prefix: string): unknown {
  const m = message as Record<string, unknown>;
  if (m?.type === 'fork' && typeof m.id === 'string' && m.id.startsWith('fz.') && m.id.length % 2) return { ...m, id: `${prefix}.${m.id.length % 3}` };
  return message;
}

function cloneable(message: unknown): boolean {
  try {
    structuredClone(message);
    return true;
  } catch {
    return false;
  }
}

/** The ack of batch `seq`; capture replies that arrive in between are skipped. */
async function ackOf(peer: RawPeer, seq: number): Promise<Extract<PortReply, { type: 'ack' }>> {
  for (;;) {
    const reply = await peer.next();
    if (reply.type === 'ack') {
      expect(reply.seq).toBe(seq);
      return reply;
    }
  }
}

/** Malformed envelopes are refused whole (index -1) and change nothing. */
async function expectEnvelopeRefused(peer: RawPeer, service: ReturnType<typeof createScopeService>, ids: string[]): Promise<void> {
  const cyclic: unknown[] = ['batch', 1, undefined, 1];
  cyclic.push(cyclic);
  const envelopes = [
    ['batch', 2, undefined, 1], ['batch', 1, undefined, 'x'], ['batch', 1, 7, 1], ['end', 1, undefined, 0], ['end', 1, 's', -1], ['ack', 1],
    { v: 1, type: 'batch', seq: 1, messages: [] }, // the envelope as an object, not a flat array
    null, 'batch', [1, 2],
  ];
  const before = ownerSnapshots(service, ids);
  for (const envelope of envelopes) {
    peer.port.postMessage(envelope);
    const reply = (await ackOfAny(peer)) as Extract<PortReply, { type: 'ack' }>;
    expect(reply.replies).toEqual([{ index: -1, error: expect.objectContaining({ code: 'INVALID_MESSAGE' }) }]);
  }
  peer.port.postMessage(cyclic); // a cycle survives structured clone: its one message is the envelope itself
  const reply = (await ackOfAny(peer)) as Extract<PortReply, { type: 'ack' }>;
  expect(reply.replies.map((r) => 'error' in r && ScopeError.fromJSON(r.error).code)).toEqual(['INVALID_MESSAGE']);
  ownerSnapshots(service, ids).forEach((after, j) => expect(after).toBe(before[j]));
}

async function ackOfAny(peer: RawPeer): Promise<PortReply> {
  for (;;) {
    const reply = await peer.next();
    if (reply.type === 'ack') return reply;
  }
}
