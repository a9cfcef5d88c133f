import { setData } from '../scope/records.js';
import { invalid } from './errors.js';

/** Deeper data is refused: it is almost always a mistake, and recursion must stay bounded. */
export const MAX_DEPTH = 64;

/**
 * Validates that `value` is plain data that survives a structured clone unchanged, and returns an
 * owned, deep-frozen copy of it: later changes by the caller cannot reach the scope.
 * Refused (INVALID_MESSAGE): functions, symbols, class instances (Date, Map, Error, ...), cycles,
 * nesting deeper than MAX_DEPTH. Keys such as `__proto__` are stored as plain data.
 */
export function frozenCopy<T>(value: T, path: string): T {
  return own(value, path, true);
}

/**
 * The same checks as `frozenCopy`, for a value nobody else holds (fresh from a structured clone):
 * it is frozen in place and returned, not copied.
 */
export function frozenInPlace<T>(value: T, path: string): T {
  return own(value, path, false);
}

function own<T>(value: T, path: string, copying: boolean): T {
  // Primitives are by far the most common value: no walk, no allocation.
  if (typeof value !== 'object' || value === null) return check(value, path) as T;
  try {
    return fast(value, copying, 0, []) as T;
  } catch (error) {
    if (error !== REWALK) throw error;
    return new Walk(path, copying).copy(value, 0) as T;
  }
}

/** Thrown by the fast walk at anything it would refuse: the careful walk then says where and why. */
const REWALK = new Error('rewalk');

/**
 * The walk of valid data, which is nearly all data: no path kept, no walker allocated. At the
 * first value it would refuse it gives up, and `Walk` (which keeps the path) walks again to
 * report it precisely.
 */
function fast(value: object, copying: boolean, depth: number, ancestors: object[]): object {
  if (depth >= MAX_DEPTH || ancestors.includes(value)) throw REWALK;
  ancestors.push(value);
  let out: Record<string | number, unknown>;
  if (Array.isArray(value)) {
    out = (copying ? new Array<unknown>(value.length) : value) as unknown as Record<number, unknown>;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue; // a hole stays a hole, as structured clone keeps it
      const item: unknown = value[i];
      const kept = typeof item === 'object' && item !== null ? fast(item, copying, depth + 1, ancestors) : primitive(item);
      if (copying) out[i] = kept;
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw REWALK;
    const source = value as Record<string, unknown>;
    out = copying ? {} : source;
    const keys = Object.keys(source);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const item = source[key];
      const kept = typeof item === 'object' && item !== null ? fast(item, copying, depth + 1, ancestors) : primitive(item);
      if (copying) setData(out, key, kept);
    }
  }
  ancestors.pop();
  return Object.freeze(out);
}

function primitive(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') throw REWALK;
  return value;
}

function check(value: unknown, path: string): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw invalid(`${path} is a ${typeof value}, which cannot be sent to a scope`);
  }
  return value;
}

/** One deep copy (or freeze in place). The path of a bad value is spelled out only when it is reported, not per value. */
class Walk {
  readonly #ancestors: object[] = [];
  readonly #trail: Array<string | number> = [];

  constructor(
    private readonly root: string,
    private readonly copying: boolean,
  ) {}

  copy(value: unknown, depth: number): unknown {
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'function' || typeof value === 'symbol') this.#fail(`is a ${typeof value}, which cannot be sent to a scope`);
      return value;
    }
    if (depth >= MAX_DEPTH) this.#fail(`is nested deeper than ${MAX_DEPTH} levels`);
    if (this.#ancestors.includes(value)) this.#fail('refers back to itself (cyclic data)');
    this.#ancestors.push(value);
    let out: unknown;
    if (Array.isArray(value)) {
      const items = this.copying ? new Array<unknown>(value.length) : value;
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) continue; // a hole stays a hole, as structured clone keeps it
        this.#trail.push(i);
        const item = this.copy(value[i], depth + 1);
        if (this.copying) items[i] = item;
        this.#trail.pop();
      }
      out = items;
    } else if (isPlainObject(value)) {
      const record: Record<string, unknown> = this.copying ? {} : value;
      for (const key of Object.keys(value)) {
        this.#trail.push(key);
        const item = this.copy(value[key], depth + 1);
        if (this.copying) setData(record, key, item);
        this.#trail.pop();
      }
      out = record;
    } else {
      this.#fail(`is a ${value.constructor?.name ?? 'non-plain'} instance; only plain objects, arrays and primitives can be stored`);
    }
    this.#ancestors.pop();
    return Object.freeze(out);
  }

  #fail(what: string): never {
    const path = this.#trail.reduce<string>((at, step) => (typeof step === 'number' ? `${at}[${step}]` : `${at}.${step}`), this.root);
    throw invalid(`${path} ${what}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

