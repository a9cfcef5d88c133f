import { describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { describeScopeBehaviour } from '../shared/scope-behaviour.js';
import { connectScope, type ScopeClient } from '../../src/pool/worker.js';

// The client end over a real MessageChannel (structured clone, port events) in this thread, so
// the same behaviour suite runs over both kinds of handle.
describeScopeBehaviour('ScopeClient over a MessagePort', {
  wrap: (service, scope) => connectScope(service.connect(scope)),
  settle: (handle) => (handle as ScopeClient).flush(),
});

describe('ScopeClient.refresh', () => {
  it('keeps every write across overlapping refreshes of one scope, in each answer it rebuilds from', async () => {
    const service = createScopeService();
    const client = await connectScope(service.connect(service.fork({ isolation: true })));
    const first = client.refresh();
    client.setTag('a', 1);
    await new Promise((next) => setImmediate(next)); // a turn ends: the two refreshes go in two batches, answered by two acks
    const second = client.refresh();
    client.setTag('b', 2);
    const one = await first;
    expect(one.tags).toEqual({});
    expect(client.snapshot().tags).toEqual({ a: 1, b: 2 }); // rebuilt from the first answer: both writes replayed
    const two = await second;
    expect(two.tags).toEqual({ a: 1 });
    expect(client.snapshot().tags).toEqual({ a: 1, b: 2 });
    await client.flush();
    expect((await client.refresh()).tags).toEqual({ a: 1, b: 2 });
    await service.close();
  });

  it('of a closed scope rejects with SCOPE_CLOSED, never throws where it is called', async () => {
    const service = createScopeService();
    const client = await connectScope(service.connect(service.fork({ isolation: true })));
    const child = client.fork();
    child.close();
    let refreshed: Promise<unknown> | undefined;
    expect(() => (refreshed = child.refresh())).not.toThrow();
    await expect(refreshed).rejects.toMatchObject({ code: 'SCOPE_CLOSED' });
    await service.close();
  });
});
