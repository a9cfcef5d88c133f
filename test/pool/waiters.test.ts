import { describe, expect, it } from 'vitest';
import { ScopeError, type Message } from '../../src/protocol/index.js';
import { Waiters } from '../../src/pool/waiters.js';

const snapshotOf = (scope: string) => ({ v: 1, type: 'snapshot', scope }) as Message;

describe('waiters for the owner’s answers', () => {
  it('find each caller by batch and index once its batch is posted, and only once', async () => {
    const waiters = new Waiters();
    const [a, b, c] = [snapshotOf('a'), snapshotOf('b'), snapshotOf('c')];
    const first = waiters.await(a);
    const third = waiters.await(c);
    expect(waiters.pending).toBe(false); // nothing posted yet
    waiters.posted(7, [a, b, c]);
    expect(waiters.pending).toBe(true);
    expect(waiters.take(7, 1)).toBeUndefined(); // nobody waits for b
    waiters.take(7, 2)!.resolve('for c');
    waiters.take(7, 0)!.resolve('for a');
    expect(waiters.take(7, 0)).toBeUndefined();
    expect(waiters.pending).toBe(false);
    await expect(Promise.all([first, third])).resolves.toEqual(['for a', 'for c']);
  });

  it('leave callers whose messages went into a later batch waiting for that batch', async () => {
    const waiters = new Waiters();
    const [a, b, c] = [snapshotOf('a'), snapshotOf('b'), snapshotOf('c')];
    const answers = [a, b, c].map((message) => waiters.await(message));
    waiters.posted(1, [snapshotOf('x'), a]);
    expect(waiters.take(2, 0)).toBeUndefined();
    waiters.posted(2, [b, c]);
    waiters.take(1, 1)!.resolve('a');
    waiters.take(2, 0)!.resolve('b');
    waiters.take(2, 1)!.resolve('c');
    await expect(Promise.all(answers)).resolves.toEqual(['a', 'b', 'c']);
    expect(waiters.pending).toBe(false);
  });

  it('reject every caller, posted or not, when the connection is lost', async () => {
    const waiters = new Waiters();
    const a = snapshotOf('a');
    const posted = waiters.await(a);
    waiters.posted(1, [a]);
    const unsent = waiters.await(snapshotOf('b'));
    const lost = new ScopeError('SERVICE_CLOSED', 'gone');
    waiters.rejectAll(lost);
    await expect(posted).rejects.toBe(lost);
    await expect(unsent).rejects.toBe(lost);
    expect(waiters.pending).toBe(false);
  });
});
