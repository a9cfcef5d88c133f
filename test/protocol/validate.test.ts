import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, ScopeError, validateMessage, type Ownership } from '../../src/protocol/index.js';
import { createScopeService } from '../../src/index.js';

const ok = { v: 1, scope: 's1' } as const;
const code = (input: unknown) => {
  try {
    validateMessage(input);
  } catch (error) {
    return (error as ScopeError).code;
  }
  return 'accepted';
};

describe('validateMessage', () => {
  it('accepts every message type in its documented shape', () => {
    const trace = { traceId: 'a'.repeat(32), sampleRand: 0.5 };
    const valid = [
      { type: 'setTag', key: 'k', value: 'v' },
      { type: 'setTags', tags: { a: 1, b: null, c: 2n } },
      { type: 'setExtra', key: 'k', value: { any: ['plain', { data: true }] } },
      { type: 'setExtras', extras: { a: 1 } },
      { type: 'setContext', name: 'c', context: { a: 1 } },
      { type: 'setContext', name: 'c', context: null },
      { type: 'setUser', user: { id: 1 } },
      { type: 'setUser', user: null },
      { type: 'setLevel', level: 'fatal' },
      { type: 'setFingerprint', fingerprint: ['a'] },
      { type: 'setTransactionName', name: 'tx' },
      { type: 'setTransactionName' },
      { type: 'addBreadcrumb', breadcrumb: { timestamp: 1, message: 'm', level: 'info', data: { a: 1 } } },
      { type: 'clearBreadcrumbs' },
      { type: 'addAttachment', attachment: { filename: 'f', data: new Uint8Array([1]), contentType: 'x/y' } },
      { type: 'clearAttachments' },
      { type: 'setPropagationContext', propagationContext: { ...trace, parentSpanId: 'b'.repeat(16), sampled: false, dsc: { release: '1' } } },
      { type: 'clear' },
      { type: 'clear', propagationContext: trace },
      { type: 'fork', id: 's2' },
      { type: 'fork', id: 's2', isolation: true, propagationContext: trace },
      { type: 'close' },
      { type: 'capture', eventId: 'c'.repeat(32), event: { message: 'm' }, hint: { originalException: new Error('x') } },
      { type: 'snapshot' },
    ];
    for (const message of valid) expect(validateMessage({ ...ok, ...message })).toMatchObject({ ...ok, type: message.type });
  });

  it('returns a frozen copy the caller can no longer change', () => {
    const value = { list: [1] };
    const message = validateMessage({ ...ok, type: 'setExtra', key: 'k', value }) as unknown as { value: typeof value };
    value.list.push(2);
    expect(message.value).toEqual({ list: [1] });
    expect(Object.isFrozen(message.value.list)).toBe(true);
  });

  it('refuses bad envelopes', () => {
    expect(code(null)).toBe('INVALID_MESSAGE');
    expect(code([])).toBe('INVALID_MESSAGE');
    expect(code({ ...ok, type: 'setTag', key: 'k', value: 'v', v: 2 })).toBe('INVALID_MESSAGE');
    expect(code({ scope: 's', type: 'close' })).toBe('INVALID_MESSAGE');
    expect(code({ ...ok, type: 'explode' })).toBe('INVALID_MESSAGE');
    expect(code({ ...ok, type: 'toString' })).toBe('INVALID_MESSAGE');
    expect(code({ v: 1, type: 'close', scope: 7 })).toBe('INVALID_MESSAGE');
    expect(code({ v: 1, type: 'close', scope: '' })).toBe('INVALID_MESSAGE');
  });

  it('refuses values that cannot cross a thread or be frozen', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 'leaf';
    for (let i = 0; i <= MAX_DEPTH; i++) deep = [deep];
    const bad = [() => 1, Symbol('s'), new Date(), new Map(), new (class Custom {})(), cyclic, deep];
    for (const value of bad) expect(code({ ...ok, type: 'setExtra', key: 'k', value })).toBe('INVALID_MESSAGE');
    expect(code({ ...ok, type: 'setTag', key: 'k', value: {} })).toBe('INVALID_MESSAGE');
    expect(code({ ...ok, type: 'setUser', user: 'bob' })).toBe('INVALID_MESSAGE');
  });

  it('refuses malformed fields of each kind', () => {
    const bad = [
      { type: 'setLevel', level: 'loud' },
      { type: 'setFingerprint', fingerprint: 'a' },
      { type: 'addBreadcrumb', breadcrumb: { message: 'no timestamp' } },
      { type: 'addBreadcrumb', breadcrumb: { timestamp: Number.NaN } },
      { type: 'addBreadcrumb', breadcrumb: { timestamp: 1, unknown: 1 } },
      { type: 'addAttachment', attachment: { filename: '', data: 'x' } },
      { type: 'setPropagationContext', propagationContext: { traceId: 'A'.repeat(32), sampleRand: 0.5 } },
      { type: 'setPropagationContext', propagationContext: { traceId: 'a'.repeat(32), sampleRand: 1 } },
      { type: 'setPropagationContext', propagationContext: { traceId: 'a'.repeat(32), sampleRand: 0.5, extra: 1 } },
      { type: 'fork' },
      { type: 'fork', id: 's2', isolation: 'yes' },
      { type: 'capture', eventId: 'short', event: {} },
      { type: 'capture', eventId: 'c'.repeat(32), event: { when: new Date() } },
    ];
    for (const message of bad) expect(code({ ...ok, ...message })).toBe('INVALID_MESSAGE');
  });

  it('checks the copy it keeps, so a getter cannot pass the checks with one value and store another', () => {
    let reads = 0;
    const sneaky = { timestamp: 1, get message() { reads += 1; return reads === 1 ? 'fine' : (42 as unknown as string); } };
    const message = validateMessage({ ...ok, type: 'addBreadcrumb', breadcrumb: sneaky }) as unknown as { breadcrumb: { message: unknown } };
    expect(reads).toBe(1); // read once: the value checked is the value stored
    expect(message.breadcrumb.message).toBe('fine');
    expect(Object.getOwnPropertyDescriptor(message.breadcrumb, 'message')).toHaveProperty('value', 'fine');
  });

  it('refuses holes in a fingerprint and events whose merged fields have the wrong shape', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(code({ ...ok, type: 'setFingerprint', fingerprint: [, 'a'] })).toBe('INVALID_MESSAGE');
    const capture = { ...ok, type: 'capture', eventId: 'c'.repeat(32) };
    expect(code({ ...capture, event: { breadcrumbs: 'not a list' } })).toBe('INVALID_MESSAGE');
    expect(code({ ...capture, event: { fingerprint: 5 } })).toBe('INVALID_MESSAGE');
    expect(code({ ...capture, event: { tags: ['a'] } })).toBe('INVALID_MESSAGE');
    expect(code({ ...capture, event: {}, hint: { attachments: 'x' } })).toBe('INVALID_MESSAGE');
    expect(code({ ...capture, event: { fingerprint: 'one', breadcrumbs: [], tags: {} } })).toBe('accepted');
  });

  it('keeps prototype-polluting keys as data', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}');
    const message = validateMessage({ ...ok, type: 'setExtras', extras: input }) as unknown as { extras: Record<string, unknown> };
    expect(Object.keys(message.extras)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ownership: what the validator may keep without copying', () => {
  const crumb = () => ({ timestamp: 1, message: 'm', data: { list: [1, { deep: true }] } });
  const codeAs = (input: unknown, ownership: Ownership) => {
    try {
      validateMessage(input, ownership);
    } catch (error) {
      return (error as ScopeError).code;
    }
    return 'accepted';
  };

  it('borrowed (the default) copies the envelope and every value', () => {
    const input = { ...ok, type: 'addBreadcrumb', breadcrumb: crumb(), stray: 1 };
    const message = validateMessage(input) as unknown as Record<string, unknown>;
    expect(message).not.toBe(input);
    expect(message.breadcrumb).not.toBe(input.breadcrumb);
    expect(message).not.toHaveProperty('stray');
    expect(Object.isFrozen(input.breadcrumb)).toBe(false);
  });

  it('envelope keeps the envelope and the handle\'s stamped crumb, and copies what the crumb holds', () => {
    const input = { ...ok, type: 'addBreadcrumb', breadcrumb: crumb() };
    const stamped = input.breadcrumb;
    const data = stamped.data;
    const message = validateMessage(input, 'envelope') as unknown as { breadcrumb: ReturnType<typeof crumb> };
    expect(message).toBe(input);
    expect(message.breadcrumb).toBe(stamped);
    expect(message.breadcrumb.data).not.toBe(data);
    expect(Object.isFrozen(message.breadcrumb.data)).toBe(true);
    data.list.push(2);
    expect(message.breadcrumb.data.list).toEqual([1, { deep: true }]);
  });

  it('envelope still refuses a stamped crumb with a bad field, and stores no function as event_id', () => {
    const bad = [{ timestamp: 1, message: 2 }, { timestamp: 1, extra: true }, { timestamp: 1, data: new Date() }, { timestamp: 1, event_id: () => 1 }, { message: 'no time' }];
    for (const breadcrumb of bad) expect(codeAs({ ...ok, type: 'addBreadcrumb', breadcrumb }, 'envelope')).toBe('INVALID_MESSAGE');
  });

  it('cloned freezes a structured clone in place, with no copy', () => {
    const input = structuredClone({ ...ok, type: 'addBreadcrumb', breadcrumb: crumb() });
    const inner = input.breadcrumb.data.list[1];
    const message = validateMessage(input, 'cloned') as unknown as typeof input;
    expect(message).toBe(input);
    expect(message.breadcrumb.data.list[1]).toBe(inner);
    // The crumb itself is frozen by the log that first hands it out (see the BreadcrumbLog tests).
    for (const part of [message.breadcrumb.data, message.breadcrumb.data.list, inner]) expect(Object.isFrozen(part)).toBe(true);
  });

  it('cloned refuses what a structured clone can carry but a scope cannot store', () => {
    const cyclic: Record<string, unknown> = { timestamp: 1 };
    cyclic.data = { back: cyclic };
    const values = [new Date(), new Map([[1, 2]]), new Uint8Array(2), cyclic.data];
    for (const value of values) expect(codeAs(structuredClone({ ...ok, type: 'setExtra', key: 'k', value }), 'cloned')).toBe('INVALID_MESSAGE');
    expect(codeAs(structuredClone({ ...ok, type: 'addBreadcrumb', breadcrumb: cyclic }), 'cloned')).toBe('INVALID_MESSAGE');
    // eslint-disable-next-line no-sparse-arrays
    const holes = validateMessage(structuredClone({ ...ok, type: 'setExtra', key: 'k', value: [1, , 3] }), 'cloned') as unknown as { value: unknown[] };
    expect(1 in holes.value).toBe(false);
  });
});

describe('messages that break String() or throw while read', () => {
  const hostile = [
    { v: Object.create(null), type: 'setTag', scope: 's1', key: 'k', value: 1 },
    { v: 1, type: Object.create(null), scope: 's1' },
    { v: 1, type: 'setExtra', scope: 's1', key: 'k', value: { get trap() { throw new Error('getter ran'); } } },
    { v: 1, type: 'capture', scope: 's1', eventId: 'c'.repeat(32), event: {}, hint: { get trap() { throw new Error('getter ran'); } } },
  ];

  it('refuses them with ScopeError INVALID_MESSAGE from validateMessage', () => {
    for (const message of hostile) expect(code(message)).toBe('INVALID_MESSAGE');
  });

  it('makes service.send throw INVALID_MESSAGE rather than return the error', async () => {
    const service = createScopeService();
    for (const message of hostile) expect(() => service.send(message)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    expect(service.stats()).toMatchObject({ applied: 0, rejected: hostile.length });
    await service.close();
  });
});
