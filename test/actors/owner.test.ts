import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ownerLogic, type Outcome } from '../../src/actors/owner.js';
import { ScopeEntry } from '../../src/actors/scope-entry.js';
import { emptyScopeData } from '../../src/scope/index.js';
import { GLOBAL_SCOPE_ID, validateMessage, type Message } from '../../src/protocol/index.js';

const owner = () => createActor(ownerLogic, { input: { maxBreadcrumbs: 10, report: () => {} } }).start();
const deliver = (actor: ReturnType<typeof owner>, raw: object[]) => {
  const messages = raw.map((message) => validateMessage({ v: 1, ...message })) as Message[];
  const outcomes: Outcome[] = new Array(messages.length);
  actor.send({ type: 'deliver', messages, outcomes });
  return outcomes;
};

describe('the owner actor', () => {
  it('applies deliveries and adoptions in place: one xstate snapshot for good, not a copy per event', () => {
    const actor = owner();
    const first = actor.getSnapshot();
    deliver(actor, [{ type: 'fork', scope: GLOBAL_SCOPE_ID, id: 'a' }, { type: 'setTag', scope: 'a', key: 'k', value: 1 }]);
    actor.send({ type: 'adopt', entry: new ScopeEntry('b', 'b', emptyScopeData({ traceId: 'f'.repeat(32), sampleRand: 0.5 })) });
    const [refused] = deliver(actor, [{ type: 'setTag', scope: 'nobody', key: 'k', value: 1 }]);
    expect(refused).toMatchObject({ code: 'UNKNOWN_SCOPE' });
    expect(actor.getSnapshot()).toBe(first);
    const { scopes, applied, rejected } = first.context;
    expect([...scopes.keys()]).toEqual([GLOBAL_SCOPE_ID, 'a', 'b']);
    expect(scopes.get('a')!.snapshot().tags).toEqual({ k: 1 });
    expect({ applied, rejected }).toEqual({ applied: 2, rejected: 1 });
  });

  it('shuts down by closing every scope', () => {
    const actor = owner();
    deliver(actor, [{ type: 'fork', scope: GLOBAL_SCOPE_ID, id: 'a' }]);
    const closed: string[] = [];
    actor.send({ type: 'shutdown', closed });
    expect(closed).toEqual([GLOBAL_SCOPE_ID, 'a']);
    expect(actor.getSnapshot().context.scopes.size).toBe(0);
  });
});
