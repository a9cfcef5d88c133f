import { describe, expect, it } from 'vitest';
import { createScopeService, ScopeError } from '../../src/index.js';

/** `FLOOD_WRITES=10000000 npx vitest run test/reliability/flood.test.ts` for the long form. */
const WRITES = Number(process.env.FLOOD_WRITES ?? 500_000);
const DEFAULT_LIMIT = 100_000;
const BATCH = 1024;
const MB = 1024 * 1024;

describe('floods (in-thread)', () => {
  it(`drains every ${BATCH} messages with the default limit: ${WRITES.toLocaleString('en')} writes in one turn, never MAILBOX_FULL, memory bounded`, () => {
    expect(WRITES).toBeGreaterThan(DEFAULT_LIMIT);
    const service = createScopeService({ maxBreadcrumbs: 100 });
    const scope = service.fork();
    scope.snapshot();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    let peakDepth = 0;
    const started = performance.now();
    for (let i = 0; i < WRITES; i++) {
      // Alternating writes, each a change, so the version counts every applied one.
      if (i % 2) scope.setTag('n', i);
      else scope.addBreadcrumb({ message: 'flood', timestamp: i });
      if (i % 97 === 0) peakDepth = Math.max(peakDepth, service.stats().mailboxDepth);
      if (i % 16_384 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    const ms = performance.now() - started;
    const snap = scope.snapshot();
    expect(snap.version).toBe(WRITES);
    expect(snap.tags).toEqual({ n: WRITES - (WRITES % 2 ? 2 : 1) });
    expect(snap.breadcrumbs).toHaveLength(100);
    expect(snap.breadcrumbs.at(-1)!.timestamp).toBe(WRITES - (WRITES % 2 ? 1 : 2));
    expect(peakDepth).toBeLessThan(BATCH);
    const stats = service.stats();
    expect(stats).toMatchObject({ received: WRITES + 1, applied: WRITES + 1, rejected: 0, mailboxDepth: 0 });
    // Bounded: the queue never holds more than a batch, so the heap grows by garbage at most.
    expect(peakHeap - heapBefore).toBeLessThan(64 * MB);
    console.info(
      `flood (default limit): ${WRITES} writes in one turn in ${ms.toFixed(0)} ms (${((WRITES / ms) * 1000).toFixed(0)} writes/s); ` +
        `peak mailbox depth ${peakDepth}; peak heap +${((peakHeap - heapBefore) / MB).toFixed(1)} MB`,
    );
  });

  it('refuses with MAILBOX_FULL past a small mailboxLimit within a turn, and loses no accepted write', async () => {
    const limit = 100;
    const service = createScopeService({ mailboxLimit: limit, maxBreadcrumbs: 1_000_000 });
    const scope = service.fork();
    scope.snapshot();
    let accepted = 0;
    let full = 0;
    const turns = 20;
    for (let turn = 0; turn < turns; turn++) {
      for (let i = 0; i < 1_000; i++) {
        try {
          scope.addBreadcrumb({ message: `${turn}:${i}`, timestamp: accepted });
          accepted += 1;
        } catch (error) {
          if (!ScopeError.is(error, 'MAILBOX_FULL')) throw error;
          full += 1;
        }
      }
      expect(service.stats().mailboxDepth).toBe(limit);
      // The turn ends: the mailbox drains by itself, with no read to force it.
      await Promise.resolve();
      expect(service.stats().mailboxDepth).toBe(0);
    }
    expect(accepted).toBe(turns * limit);
    expect(full).toBe(turns * (1_000 - limit));
    const crumbs = scope.snapshot().breadcrumbs;
    expect(crumbs).toHaveLength(accepted);
    expect(crumbs.every((crumb, i) => crumb.timestamp === i)).toBe(true);
    expect(crumbs.slice(0, 2).map((c) => c.message)).toEqual(['0:0', '0:1']);
    const stats = service.stats();
    expect(stats.received).toBe(stats.applied + stats.rejected + stats.mailboxDepth);
    expect(stats.rejected).toBe(full);
  });

  it('a reader in the loop drains the mailbox, so a small limit is never reached', () => {
    const service = createScopeService({ mailboxLimit: 10 });
    const scope = service.fork();
    for (let i = 0; i < 10_000; i++) {
      scope.setTag('i', i);
      if (i % 5 === 4) expect(scope.snapshot().tags.i).toBe(i);
    }
    expect(service.stats()).toMatchObject({ rejected: 0, applied: 10_001 });
  });
});
