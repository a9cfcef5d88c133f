import fc from 'fast-check';

/** Objects whose own keys try to reach a prototype when copied or merged carelessly. */
export const pollution = (): unknown[] => [
  JSON.parse('{"__proto__":{"polluted":"yes"}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"prototype":{"polluted":"yes"},"__proto__":[1]}'),
  JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}'),
];

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { next: value };
  return value;
}

function cyclic(): unknown {
  const outer: Record<string, unknown> = { list: [] };
  (outer.list as unknown[]).push(outer);
  return outer;
}

/** Values chosen to break validators: huge, deep, cyclic, class instances, odd numbers. */
const evil = fc.constantFrom<() => unknown>(
  () => 'x'.repeat(200_000),
  () => deep(70),
  () => deep(63),
  cyclic,
  () => new Date(0),
  () => new Map([[1, 2]]),
  () => /re/,
  () => new Uint8Array(4),
  () => Object.create(null) as object,
  () => Object.assign(Object.create({ inherited: 1 }) as object, { own: 1 }),
  () => [1, , 3], // eslint-disable-line no-sparse-arrays
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -0,
  () => 10n ** 30n,
  () => '',
  () => '\u0000\ud800',
  () => null,
  () => undefined,
  () => [],
  ...pollution().map((p) => () => structuredClone(p)),
);

/** Values that cannot cross a thread: only for the in-thread fuzz. */
const unclonable = fc.constantFrom<() => unknown>(
  () => Symbol('s'),
  () => () => 1,
  () => new (class Custom {})(),
  () => ({ get trap() { throw new Error('getter ran'); } }),
);

const anyValue = (inThread: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withDate: true, withMap: true, withSet: true }) },
    { weight: 3, arbitrary: evil.map((make) => make()) },
    { weight: inThread ? 1 : 0, arbitrary: unclonable.map((make) => make()) },
  );

const TYPES = [
  'setTag', 'setTags', 'setExtra', 'setExtras', 'setContext', 'setUser', 'setLevel', 'setFingerprint', 'setTransactionName',
  'addBreadcrumb', 'clearBreadcrumbs', 'addAttachment', 'clearAttachments', 'setPropagationContext', 'clear', 'fork', 'close', 'capture', 'snapshot',
] as const;

/** A valid message of each type for scope `scope`, to corrupt one field of. */
export function validMessage(type: (typeof TYPES)[number], scope: string, n: number): Record<string, unknown> {
  const base = { v: 1, type, scope };
  const trace = { traceId: 'a'.repeat(32), sampleRand: 0.25 };
  const fields: Record<string, Record<string, unknown>> = {
    setTag: { key: `k${n % 7}`, value: n },
    setTags: { tags: { a: 'x', [`t${n % 5}`]: true } },
    setExtra: { key: 'e', value: { n, list: [1, 'two'] } },
    setExtras: { extras: { x: n } },
    setContext: { name: 'os', context: { name: 'linux' } },
    setUser: { user: { id: n } },
    setLevel: { level: 'warning' },
    setFingerprint: { fingerprint: ['a', 'b'] },
    setTransactionName: { name: `t${n}` },
    addBreadcrumb: { breadcrumb: { timestamp: n, message: 'm', data: { n } } },
    addAttachment: { attachment: { filename: 'f.txt', data: 'abc' } },
    setPropagationContext: { propagationContext: trace },
    clear: { propagationContext: trace },
    fork: { id: `fz.${n}` },
    capture: { eventId: 'b'.repeat(32), event: { message: 'fuzz' } },
  };
  return { ...base, ...fields[type] };
}

/** Every field any message type reads, so a corruption can hit each. */
const FIELDS = ['v', 'type', 'scope', 'key', 'value', 'tags', 'extras', 'name', 'context', 'user', 'level', 'fingerprint', 'breadcrumb', 'attachment', 'propagationContext', 'id', 'isolation', 'eventId', 'event', 'hint'];

/**
 * Raw messages: a third valid, a third valid but with one field replaced, deleted or nested with
 * bad data, a third anything at all. `scopes` are ids the fuzzer may address (live or not).
 */
export function fuzzMessage(scopes: readonly string[], inThread: boolean): fc.Arbitrary<unknown> {
  const scope = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...scopes) }, { weight: 1, arbitrary: anyValue(inThread) });
  const type = fc.constantFrom(...TYPES);
  const valid = fc.tuple(type, scope, fc.nat(1000)).map(([t, s, n]) => validMessage(t, s as string, n));
  const corrupted = fc
    .tuple(valid, fc.constantFrom(...FIELDS), anyValue(inThread), fc.constantFrom('replace', 'delete', 'nest'))
    .map(([valid, field, bad, how]) => {
      const message = { ...valid };
      if (how === 'delete') delete message[field];
      else if (how === 'nest' && typeof message[field] === 'object' && message[field] !== null) {
        try {
          message[field] = { ...(message[field] as object), bad };
        } catch {
          // The field itself is hostile (a throwing getter): spreading it throws here, in the
          // generator, not in the code under test; use it as it is.
          message[field] = bad;
        }
      } else message[field] = bad;
      return message;
    });
  return fc.oneof(valid, corrupted, anyValue(inThread));
}
