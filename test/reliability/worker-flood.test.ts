// A worker writing as fast as it can: flow control keeps the owner's memory bounded, MAILBOX_FULL
// pushes back as documented, and every write the worker had accepted is applied.
import { expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { testPool } from '../shared/pool.js';

/** `FLOOD_SECONDS=10` runs the long form. */
const MS = Number(process.env.FLOOD_SECONDS ?? 2) * 1000;
const MB = 1024 * 1024;

it(`keeps the owner bounded under a ${MS / 1000} s flood from a worker, losing nothing accepted`, async () => {
  // Bursts of 30,000 (the flood task's) outgrow what may be in flight (16 batches of 1,024) plus this limit.
  const service = createScopeService({ mailboxLimit: 10_000, maxBreadcrumbs: 10 });
  const pool = testPool({ service, maxThreads: 1 });
  const scope = service.fork({ isolation: true });
  scope.snapshot();
  const before = service.stats();
  const heapBase = process.memoryUsage().heapUsed;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed - heapBase)), 20);
  const { accepted, pushedBack } = (await pool.run({ ms: MS }, { scope, fork: false, name: 'flood' })) as { accepted: number; pushedBack: number };
  clearInterval(sampler);
  const after = service.stats();
  await pool.destroy();

  // Everything the worker accepted was applied: its crumbs are the only messages in this window.
  expect(after.applied - before.applied).toBe(accepted);
  expect(after.rejected).toBe(before.rejected);
  expect(pushedBack).toBeGreaterThan(0);
  expect(peak).toBeLessThan(256 * MB);
  console.info(`[reliability] flood: ${accepted.toLocaleString('en')} writes in ${MS} ms (${Math.round(accepted / (MS / 1000)).toLocaleString('en')}/s), MAILBOX_FULL pushed back ${pushedBack}×, owner heap peak +${(peak / MB).toFixed(1)} MB, lost 0`);
  await service.close();
});
