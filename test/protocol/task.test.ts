import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { decodeSnapshot, encodeSnapshot, packTask, SHARED_FROM, TaskStarts, unpackTask, type TaskInit } from '../../src/protocol/index.js';

describe('pool task messages', () => {
  const snapshot = createScopeService().fork({ isolation: true }).setTag('t', 1).snapshot();
  const init: TaskInit = {
    v: 1, type: 'init', scope: snapshot.id, snapshot: encodeSnapshot(snapshot), lent: false, prefix: 'w9',
    maxBreadcrumbs: 50, mailboxLimit: 1000, window: 4, session: '0123456789abcdef',
  };

  it('carry the data, session, scope and the rest of the init as one string through structured clone', () => {
    const message = structuredClone(packTask({ job: 1 }, init));
    expect(message).toHaveLength(5);
    expect(message.slice(2, 4)).toEqual([init.session, init.scope]);
    const task = unpackTask(message);
    expect(task.data).toEqual({ job: 1 });
    expect(task.scope).toBe(snapshot.id);
    expect(task.init()).toEqual(init);
    expect(decodeSnapshot(task.init().snapshot)).toEqual(snapshot);
  });

  it('carry a shared encoding beside the string, as the same memory', () => {
    const large = createScopeService().fork().setExtra('blob', 'x'.repeat(SHARED_FROM)).snapshot();
    const shared: TaskInit = { ...init, scope: large.id, snapshot: encodeSnapshot(large) };
    const message = structuredClone(packTask(null, shared));
    expect(message).toHaveLength(6);
    const { snapshot: start } = unpackTask(message).init();
    expect(start.data).toBeInstanceOf(Uint8Array);
    expect((start.data as Uint8Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(decodeSnapshot(start)).toEqual(large);
  });

  it('share the tail between the tasks forked from one scope, their own ids aside', () => {
    const fork = (n: number): TaskInit => ({ ...init, scope: `s${n}`, prefix: `s${n}`, snapshot: { ...init.snapshot, id: `s${n}` } });
    const [first, second] = [packTask(null, fork(1)), packTask(null, fork(2))];
    expect(second[4]).toBe(first[4]);
    expect(unpackTask(structuredClone(second)).init()).toEqual(fork(2));
  });

  it('round-trip any ids, limits and lending, the separator in ids too', () => {
    const id = fc.string({ minLength: 1, unit: fc.constantFrom('a', '.', '\u001f', '7', 'é') });
    const count = fc.nat({ max: 1e9 });
    fc.assert(
      fc.property(id, id, id, fc.boolean(), count, count, count, fc.integer({ min: 1, max: 64 }), (scope, prefix, isolationId, lent, version, maxBreadcrumbs, mailboxLimit, window) => {
        const sent: TaskInit = { ...init, scope, prefix, lent, maxBreadcrumbs, mailboxLimit, window, snapshot: { ...init.snapshot, id: scope, version, isolationId } };
        const task = unpackTask(structuredClone(packTask('data', sent)));
        expect(task.scope).toBe(scope);
        expect(task.init()).toEqual(sent);
      }),
    );
  });

  it('refuse anything that did not come from packTask with INVALID_MESSAGE', () => {
    const packed = packTask(null, init);
    const [marker, data, session, scope, tail] = packed;
    const junk = [
      undefined, null, {}, [], 'task', packed.slice(1), ['other', ...packed.slice(1)], [...packed, 'extra'], [...packed, new Uint8Array(1), 'x'],
      [marker, data, session, scope], [marker, data, 7, scope, tail], [marker, data, session, '', tail], [marker, data, session, scope, 42],
      [marker, data, session, scope, ''], [marker, data, session, scope, 'tail'],
      // version -1, lent 2, an isolation id longer than the tail, an empty one
      ...[[0, '-1'], [1, '2'], [6, '100000'], [6, '0']].map(([field, value]) => [marker, data, session, scope, withField(tail, field as number, value as string)]),
    ];
    for (const message of junk) {
      expect(() => unpackTask(message).init()).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    }
  });

  it('carry a start by number after the first task that carried its bytes, the pool holding them while such a task is in flight', () => {
    const starts = new TaskStarts();
    const fork = (n: number): TaskInit => ({ ...init, scope: `s${n}`, prefix: `s${n}`, snapshot: { ...init.snapshot, id: `s${n}` } });
    const [first, firstOwed] = starts.pack(null, fork(1));
    const [second, owed] = starts.pack(null, fork(2));
    const [third] = starts.pack(null, fork(3));
    expect(firstOwed).toBeUndefined();
    expect(first[5]).toEqual(expect.any(Number));
    expect([owed, third[5]]).toEqual([first[5], first[5]]);
    expect(second[4]).toBe(third[4]);
    expect(second[4].length).toBeLessThan(first[4].length);
    expect(starts.data(owed!)).toBe(init.snapshot.data);
    starts.settle(owed!);
    expect(starts.data(owed!)).toBe(init.snapshot.data); // the third task still carries it
    starts.settle(owed!);
    expect(starts.data(owed!)).toBeUndefined();
    // A start of other data gets a number of its own; a shared encoding still travels as itself.
    const other = createScopeService().fork({ isolation: true }).setTag('t', 2).snapshot();
    expect(starts.pack(null, { ...init, snapshot: encodeSnapshot(other) })[0][5]).not.toBe(first[5]);
  });

  it('carry a shared encoding by number too, after the first task that carried its memory', () => {
    const starts = new TaskStarts();
    const large = createScopeService().fork().setExtra('blob', 'x'.repeat(SHARED_FROM)).snapshot();
    const sharedInit: TaskInit = { ...init, scope: large.id, snapshot: encodeSnapshot(large) };
    const [first, none] = starts.pack(null, sharedInit);
    const [later, owed] = starts.pack(null, sharedInit);
    expect(none).toBeUndefined();
    expect(first).toHaveLength(7);
    expect(first[5]).toBe(sharedInit.snapshot.data);
    expect(later).toEqual([...first.slice(0, 5), first[6]]);
    expect(starts.data(owed!)).toBe(sharedInit.snapshot.data);
    // A thread keeps the memory it was sent and reads the later task from it: the same memory.
    expect(decodeSnapshot(unpackTask(structuredClone(first)).init().snapshot)).toEqual(large);
    const { snapshot: start } = unpackTask(structuredClone(later)).init();
    expect((start.data as Uint8Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(decodeSnapshot(start)).toEqual(large);
  });

  it('read a start carried by number from the bytes this thread was sent, else from `fetch`, else refuse it', () => {
    const starts = new TaskStarts();
    const [withBytes] = starts.pack(null, init);
    const [byNumber] = starts.pack(null, init);
    // Never sent to this thread yet, and nobody to ask.
    expect(() => unpackTask(structuredClone(byNumber)).init()).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    expect(unpackTask(structuredClone(withBytes)).init()).toEqual(init);
    expect(unpackTask(structuredClone(byNumber)).init()).toEqual(init); // kept from the one above
    const [other] = new TaskStarts().pack(null, init); // a pool of its own: another number
    const [otherByNumber] = [other].map((message) => [...message.slice(0, 4), structuredClone(byNumber)[4], message[5]]);
    const asked: number[] = [];
    const fetch = (start: number) => (asked.push(start), init.snapshot.data);
    expect(unpackTask(otherByNumber).init(fetch)).toEqual(init);
    expect(unpackTask(otherByNumber).init(fetch)).toEqual(init);
    expect(asked).toEqual([other[5]]); // asked once, then kept
    // A start the pool no longer holds: the task's scope is gone.
    const [gone] = [[...byNumber.slice(0, 5), 2 ** 40]];
    expect(() => unpackTask(gone).init(() => undefined)).toThrow(expect.objectContaining({ code: 'SCOPE_CLOSED' }));
  });

  it('refuse a malformed rest of the init only when the task first reads it', () => {
    const [marker, data, session, scope, tail] = packTask(null, init);
    const task = unpackTask([marker, data, session, scope, withField(tail, 1, '2')]);
    expect(task.scope).toBe(init.scope);
    expect(() => task.init()).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
  });
});

/** `tail` with its numeric field `index` (0: version … 6: the isolation id's length) set to `value`. */
function withField(tail: string, index: number, value: string): string {
  const fields = tail.split('\u001f', 7);
  const head = fields.join('\u001f');
  fields[index] = value;
  return fields.join('\u001f') + tail.slice(head.length);
}
