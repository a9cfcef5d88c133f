import { expect } from 'vitest';
import { SCOPE_ERROR_CODES, ScopeError, type ScopeService, type ScopeSnapshot } from '../../../src/index.js';

const OBJECT_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_KEYS = Object.getOwnPropertyNames(Array.prototype).sort();

/** Object.prototype and Array.prototype have exactly the keys they had when the module loaded. */
export function expectUnpolluted(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_KEYS);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** `received = applied + rejected + mailboxDepth`. */
export function expectConserved(service: ScopeService): void {
  const { received, applied, rejected, mailboxDepth } = service.stats();
  expect(received).toBe(applied + rejected + mailboxDepth);
}

/** A typed ScopeError with a known code. */
export function expectTyped(error: unknown): ScopeError['code'] {
  expect(error).toBeInstanceOf(ScopeError);
  expect(SCOPE_ERROR_CODES).toContain((error as ScopeError).code);
  return (error as ScopeError).code;
}

/** The owner's snapshots of `ids` (undefined where the id is not live), read through the raw protocol. */
export function ownerSnapshots(service: ScopeService, ids: readonly string[]): Array<ScopeSnapshot | undefined> {
  return ids.map((scope) => {
    try {
      return service.send({ v: 1, type: 'snapshot', scope }) as ScopeSnapshot;
    } catch {
      return undefined;
    }
  });
}

/** Tallies outcomes by code, for the figures the tests print. */
export class Tally {
  readonly counts: Record<string, number> = { accepted: 0 };
  add(outcome: string): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
  }
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
  toString(): string {
    return Object.entries(this.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  }
}
