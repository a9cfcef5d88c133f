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
  return copy(value, path, 0, []) as T;
}

function copy(value: unknown, path: string, depth: number, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'function':
    case 'symbol':
      throw invalid(`${path} is a ${typeof value}, which cannot be sent to a scope`);
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_DEPTH) throw invalid(`${path} is nested deeper than ${MAX_DEPTH} levels`);
  if (ancestors.includes(object)) throw invalid(`${path} refers back to itself (cyclic data)`);
  ancestors.push(object);
  let out: unknown;
  if (Array.isArray(object)) {
    const items = new Array<unknown>(object.length);
    for (let i = 0; i < object.length; i++) items[i] = copy(object[i], `${path}[${i}]`, depth + 1, ancestors);
    out = items;
  } else if (isPlainObject(object)) {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      setData(record, key, copy((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, ancestors));
    }
    out = record;
  } else {
    throw invalid(`${path} is a ${object.constructor?.name ?? 'non-plain'} instance; only plain objects, arrays and primitives can be stored`);
  }
  ancestors.pop();
  return Object.freeze(out);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

