import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createScopeService, type ScopeSnapshot } from '../../src/index.js';

describe('service.connect with any Worker', () => {
  it('lets a plain worker write to the lent scope and fork; its forks close when the worker ends', async () => {
    const service = createScopeService();
    const scope = service.fork({ isolation: true }).setTag('given', 'yes');
    const baseline = (scope.snapshot(), service.stats().scopes);
    const port = service.connect(scope);
    const worker = new Worker(new URL('../fixtures/plain-worker.mjs', import.meta.url), { workerData: { port }, transferList: [port] });
    const reply = await new Promise<{ child: string; view: ScopeSnapshot }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(reply.view.tags).toEqual({ given: 'yes', from: 'plain worker' });
    expect(scope.snapshot().tags).toEqual({ given: 'yes', from: 'plain worker' });
    const child = service.send({ v: 1, type: 'snapshot', scope: reply.child }) as ScopeSnapshot;
    expect(child.tags).toEqual({ given: 'yes', from: 'plain worker', child: true });
    await worker.terminate();
    await expect.poll(() => service.stats().scopes, { timeout: 10_000 }).toBe(baseline); // the owner sees the port close a few turns later
    expect(scope.closed).toBe(false);
    await service.close();
  });
});
