import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BreadcrumbLog, type Breadcrumb } from '../../src/scope/index.js';

const crumb = (n: number): Breadcrumb => ({ timestamp: n, message: `m${n}` });
const messages = (log: BreadcrumbLog) => log.toArray().map((c) => c.message);

describe('BreadcrumbLog', () => {
  it('keeps the newest max crumbs, oldest first', () => {
    let log = BreadcrumbLog.empty;
    for (let i = 0; i < 7; i++) log = log.append(crumb(i), 3);
    expect(messages(log)).toEqual(['m4', 'm5', 'm6']);
    expect(log.length).toBe(3);
  });

  it('keeps nothing when max is 0', () => {
    expect(BreadcrumbLog.empty.append(crumb(1), 0).length).toBe(0);
  });

  it('never shows one holder the crumbs another appended (shared backing array)', () => {
    const base = BreadcrumbLog.of([crumb(1), crumb(2)], 10);
    const left = base.append(crumb(3), 10);
    const right = base.append(crumb(4), 10);
    expect(messages(base)).toEqual(['m1', 'm2']);
    expect(messages(left)).toEqual(['m1', 'm2', 'm3']);
    expect(messages(right)).toEqual(['m1', 'm2', 'm4']);
  });

  it('hands every holder of one log value the same frozen array', () => {
    const log = BreadcrumbLog.of([crumb(1)], 5);
    expect(log.toArray()).toBe(log.toArray());
    expect(Object.isFrozen(log.toArray())).toBe(true);
  });

  it('freezes every crumb it hands out, in chunks and in the tail, whichever log value hands it out first', () => {
    const crumbs = Array.from({ length: 40 }, (_, i) => crumb(i)); // one chunk of 32 and a tail of 8
    const log = crumbs.reduce((at, c) => at.append(c, 100), BreadcrumbLog.empty);
    expect(crumbs.some((c) => Object.isFrozen(c))).toBe(false); // appended as given: not yet handed out
    const older = BreadcrumbLog.of(crumbs.slice(0, 35), 100);
    expect(older.toArray().every((c) => Object.isFrozen(c))).toBe(true);
    const later = log.append(crumb(40), 100);
    expect(later.toArray().every((c) => Object.isFrozen(c))).toBe(true);
    expect(log.toArray().every((c) => Object.isFrozen(c))).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.array(fc.nat({ max: 5 }), { maxLength: 200 }), (max, reads) => {
        let at = BreadcrumbLog.empty;
        reads.forEach((read, i) => {
          at = at.append(crumb(i), max);
          if (read === 0) expect(at.toArray().every((c) => Object.isFrozen(c))).toBe(true);
        });
        expect(at.toArray().every((c) => Object.isFrozen(c))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('appendAll gives what appending each crumb in turn gives, for any count and bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.nat({ max: 150 }), fc.nat({ max: 250 }), (max, before, added) => {
        const base = BreadcrumbLog.of(Array.from({ length: before }, (_, i) => crumb(i)), max);
        const crumbs = Array.from({ length: added }, (_, i) => crumb(1_000 + i));
        const one = crumbs.reduce((log, c) => log.append(c, max), base);
        const all = base.appendAll(crumbs, max);
        expect(all.toArray()).toEqual(one.toArray());
        expect(all.length).toBe(one.length);
        expect(all.append(crumb(-1), max).toArray()).toEqual(one.append(crumb(-1), max).toArray());
      }),
      { numRuns: 300 },
    );
  });

  it('behaves like a bounded array under any interleaving of appends to old and new values', () => {
    const step = fc.record({ from: fc.nat(), value: fc.nat() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.array(step, { maxLength: 400 }), (max, steps) => {
        const logs = [BreadcrumbLog.empty];
        const models: number[][] = [[]];
        for (const { from, value } of steps) {
          const i = from % logs.length;
          logs.push(logs[i]!.append(crumb(value), max));
          models.push([...models[i]!, value].slice(-max));
        }
        logs.forEach((log, i) => expect(log.toArray().map((c) => c.timestamp)).toEqual(models[i]));
      }),
      { numRuns: 200 },
    );
  });

  it('copies at most one chunk when a fork of a long log appends (no copy of the whole log)', () => {
    const long = BreadcrumbLog.of(Array.from({ length: 10_000 }, (_, i) => crumb(i)), 10_000);
    const parent = long.append(crumb(-1), 10_000);
    const child = long.append(crumb(-2), 10_000);
    expect(parent.toArray().at(-1)!.message).toBe('m-1');
    expect(child.toArray().at(-1)!.message).toBe('m-2');
    expect(child.toArray()[0]).toBe(long.toArray()[1]);
  });
});
