import type fc from 'fast-check';
import { expect } from 'vitest';
import type { ScopeRef } from '../../../src/index.js';
import { canonical, expectAgreement, expectRefused, type Real } from './real.js';
import * as ref from './reference.js';
import type { Model, ModelScope } from './reference.js';

type Command = fc.AsyncCommand<Model, Real>;

/** The live scope a command's `pick` lands on (global included), as model and handle. */
function target(model: Model, real: Real, pick: number): [ModelScope, ScopeRef] {
  const scope = model.scopes[pick % model.scopes.length]!;
  return [scope, real.refs.get(scope.id)!];
}

/** A write both sides apply: the model by hand, the service through its ScopeRef. */
export class Write implements Command {
  constructor(
    readonly label: string,
    readonly pick: number,
    readonly onModel: (scope: ModelScope, model: Model) => void,
    readonly onReal: (handle: ScopeRef) => unknown,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed;
  async run(model: Model, real: Real): Promise<void> {
    const [scope, handle] = target(model, real, this.pick);
    this.onReal(handle);
    this.onModel(scope, model);
    expectAgreement(model, real);
  }
  toString = (): string => `${this.label}@${this.pick}`;
}

/** A raw protocol message through `service.send`, addressed to a live scope. */
export class RawSend implements Command {
  constructor(
    readonly pick: number,
    readonly key: string,
    readonly value: string,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed;
  async run(model: Model, real: Real): Promise<void> {
    const [scope] = target(model, real, this.pick);
    expect(real.service.send({ v: 1, type: 'setTag', scope: scope.id, key: this.key, value: this.value })).toBeUndefined();
    ref.put(scope.tags, this.key, this.value);
    expectAgreement(model, real);
  }
  toString = (): string => `send(setTag ${this.key})@${this.pick}`;
}

export class Fork implements Command {
  constructor(
    readonly pick: number,
    readonly isolation: boolean,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed && m.scopes.length < 12;
  async run(model: Model, real: Real): Promise<void> {
    const [scope, handle] = target(model, real, this.pick);
    const child = handle.fork({ isolation: this.isolation });
    real.refs.set(child.id, child);
    ref.fork(model, scope.id, child.id, this.isolation);
    expectAgreement(model, real);
  }
  toString = (): string => `fork(${this.isolation ? 'isolation' : 'plain'})@${this.pick}`;
}

export class Close implements Command {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed && m.scopes.length > 1;
  async run(model: Model, real: Real): Promise<void> {
    const scope = model.scopes[1 + (this.pick % (model.scopes.length - 1))]!;
    real.refs.get(scope.id)!.close();
    ref.close(model, scope.id);
    expectAgreement(model, real);
  }
  toString = (): string => `close@${this.pick}`;
}

export class Capture implements Command {
  constructor(
    readonly pick: number,
    readonly event: ref.ModelEvent,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed;
  async run(model: Model, real: Real): Promise<void> {
    const [scope, handle] = target(model, real, this.pick);
    // Captured on the global scope itself, its data counts once (the service does not merge it with itself).
    const global = scope === model.scopes[0] ? ref.emptyScope('global', 'global') : model.scopes[0]!;
    const expected = ref.expectedEvent(global, scope, this.event);
    const eventId = await handle.captureEvent(structuredClone(this.event) as never);
    const { contexts, ...got } = real.events.get(eventId)!;
    const { trace, ...ownContexts } = contexts ?? {};
    expect(trace).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const { contexts: wantContexts, ...want } = expected;
    expect(canonical(ownContexts)).toStrictEqual(canonical(wantContexts));
    for (const [field, value] of Object.entries(want)) expect([field, canonical(got[field])]).toStrictEqual([field, canonical(value)]);
    expectAgreement(model, real);
  }
  toString = (): string => `capture(${JSON.stringify(this.event).slice(0, 60)})@${this.pick}`;
}

/** Bad arguments: a typed ScopeError and no change anywhere. */
export class Invalid implements Command {
  constructor(
    readonly label: string,
    readonly pick: number,
    readonly act: (handle: ScopeRef, real: Real, model: Model) => unknown,
    readonly code: 'INVALID_MESSAGE' | 'UNKNOWN_SCOPE' = 'INVALID_MESSAGE',
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed;
  async run(model: Model, real: Real): Promise<void> {
    const [, handle] = target(model, real, this.pick);
    expectRefused(model, real, this.code, () => this.act(handle, real, model));
    expectAgreement(model, real);
  }
  toString = (): string => `invalid(${this.label})@${this.pick}`;
}

/** A call on a scope the test closed: SCOPE_CLOSED (handle) or UNKNOWN_SCOPE (raw send). */
export class UseClosed implements Command {
  constructor(
    readonly pick: number,
    readonly raw: boolean,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.serviceClosed && m.closed.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const id = model.closed[this.pick % model.closed.length]!;
    if (this.raw) expectRefused(model, real, 'UNKNOWN_SCOPE', () => real.service.send({ v: 1, type: 'setTag', scope: id, key: 'k', value: 1 }));
    else expectRefused(model, real, 'SCOPE_CLOSED', () => real.refs.get(id)!.setTag('k', 1));
    expectAgreement(model, real);
  }
  toString = (): string => `useClosed(${this.raw ? 'raw' : 'handle'})@${this.pick}`;
}

/** Closes the service: queued writes are kept, every later call is SERVICE_CLOSED. */
export class CloseService implements Command {
  check = (m: Readonly<Model>): boolean => !m.serviceClosed;
  async run(model: Model, real: Real): Promise<void> {
    await real.service.close();
    model.serviceClosed = true;
    expect(real.service.stats().scopes).toBe(0);
    for (const handle of real.refs.values()) expectRefused(model, real, 'SERVICE_CLOSED', () => handle.setTag('k', 1));
    expectRefused(model, real, 'SERVICE_CLOSED', () => real.service.send({ v: 1, type: 'snapshot', scope: 'global' }));
  }
  toString = (): string => 'closeService';
}
