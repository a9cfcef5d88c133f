import type { Attachment, Breadcrumb, EventHint, PlainObject, PropagationContext, ScopeEvent, SeverityLevel } from '../scope/index.js';
import { setData } from '../scope/records.js';
import { invalid } from './errors.js';
import { isPlainObject } from './values.js';

// The checks of single fields the validator runs (validate.ts): each throws ScopeError
// INVALID_MESSAGE naming the field, and returns the value as it is to be stored.

const LEVELS: ReadonlySet<string> = new Set<SeverityLevel>(['fatal', 'error', 'warning', 'log', 'info', 'debug']);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
export const EVENT_ID = TRACE_ID;
/** A breadcrumb's fields. A switch, not a Set: keys from Object.keys are internalized, so each case is a pointer compare (a Set lookup cost a crumb ~60 instructions a key). */
function isBreadcrumbKey(key: string): boolean {
  switch (key) {
    case 'timestamp':
    case 'message':
    case 'category':
    case 'level':
    case 'type':
    case 'data':
    case 'event_id':
      return true;
    default:
      return false;
  }
}

/** Makes a value the scope's own: a frozen deep copy, or the value itself frozen in place. */
export type Own = <T>(value: T, path: string) => T;

/** For a value inside one already owned. */
const kept: Own = (value) => value;

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(`${path} must be a string`);
  return value;
}

export function key(value: unknown, path: string): string {
  if (string(value, path).length === 0) throw invalid(`${path} must not be empty`);
  return value as string;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${path} must be a boolean`);
  return value;
}

export function pattern(value: unknown, path: string, re: RegExp, what: string): string {
  if (typeof value !== 'string' || !re.test(value)) throw invalid(`${path} must be ${what}`);
  return value;
}

export function tagValue(value: unknown, path: string): unknown {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint' || value == null) return value;
  throw invalid(`${path} must be a string, number, boolean, bigint, null or undefined`);
}

export function level(value: unknown, path: string): SeverityLevel {
  if (typeof value !== 'string' || !LEVELS.has(value)) throw invalid(`${path} must be one of ${[...LEVELS].join(', ')}`);
  return value as SeverityLevel;
}

export function object(value: unknown, path: string, own: Own): PlainObject {
  if (!isPlainObject(value)) throw invalid(`${path} must be a plain object`);
  return own(value as PlainObject, path);
}

// Checks run on the owned copy, never on the caller's object: a getter or proxy cannot show the
// checks one value and the copy another.
export function record(value: unknown, path: string, each: ((item: unknown, path: string) => unknown) | undefined, own: Own): object {
  const copy = object(value, path, own);
  if (each) for (const k of Object.keys(copy)) each(copy[k], `${path}.${k}`);
  return copy;
}

export function strings(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value)) throw invalid(`${path} must be an array of strings`);
  // An index loop, not forEach: forEach skips holes, which would then be stored as undefined.
  const out = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = string(value[i], `${path}[${i}]`);
  return Object.freeze(out);
}

export function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${path} must be a finite number`);
  return value;
}

/**
 * A crumb whose top level is ours (`mine`: a handle's stamped copy, or fresh from a structured
 * clone) is checked in place, with only the objects in it (data) owned. A borrowed one is owned
 * whole first. On the hot path of every breadcrumb, so it walks the keys once and copies nothing
 * but data; the crumb is frozen by the log that first hands it out.
 */
export function breadcrumb(value: unknown, own: Own, mine: boolean): Breadcrumb {
  const crumb = object(value, 'breadcrumb', mine ? kept : own) as Record<string, unknown>;
  const keys = Object.keys(crumb);
  for (let i = 0; i < keys.length; i++) if (!isBreadcrumbKey(keys[i]!)) throw invalid(`breadcrumb.${keys[i]} is not a breadcrumb field`);
  const { timestamp, message, category, type, data, level: crumbLevel, event_id: eventId } = crumb;
  finite(timestamp, 'breadcrumb.timestamp');
  if (message !== undefined) string(message, 'breadcrumb.message');
  if (category !== undefined) string(category, 'breadcrumb.category');
  if (type !== undefined) string(type, 'breadcrumb.type');
  if (crumbLevel !== undefined) level(crumbLevel, 'breadcrumb.level');
  if (data !== undefined && !isPlainObject(data)) throw invalid('breadcrumb.data must be a plain object');
  if (mine) {
    // The other fields were checked to be primitives; these two may hold objects.
    if (data !== undefined) crumb.data = own(data, 'breadcrumb.data');
    if (eventId !== undefined) crumb.event_id = own(eventId, 'breadcrumb.event_id');
    // Not frozen here: nobody else holds it, and the log freezes it when it first hands it out.
  }
  return crumb as unknown as Breadcrumb;
}

export function attachment(value: unknown): Attachment {
  if (!isPlainObject(value)) throw invalid('attachment must be a plain object');
  const { filename, data, contentType } = value;
  key(filename, 'attachment.filename');
  if (contentType !== undefined) string(contentType, 'attachment.contentType');
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw invalid('attachment.data must be a string or a Uint8Array');
  const bytes = typeof data === 'string' ? data : new Uint8Array(data);
  return Object.freeze({ filename: filename as string, data: bytes, ...(contentType === undefined ? {} : { contentType: contentType as string }) });
}

export function propagationContext(value: unknown, path: string, own: Own): PropagationContext {
  const context = object(value, path, own);
  const { traceId, parentSpanId, sampled, sampleRand, propagationSpanId, dsc } = context;
  pattern(traceId, `${path}.traceId`, TRACE_ID, '32 lowercase hex characters');
  if (parentSpanId !== undefined) pattern(parentSpanId, `${path}.parentSpanId`, SPAN_ID, '16 lowercase hex characters');
  if (propagationSpanId !== undefined) pattern(propagationSpanId, `${path}.propagationSpanId`, SPAN_ID, '16 lowercase hex characters');
  if (sampled !== undefined) boolean(sampled, `${path}.sampled`);
  if (finite(sampleRand, `${path}.sampleRand`) < 0 || (sampleRand as number) >= 1) throw invalid(`${path}.sampleRand must be in [0, 1)`);
  if (dsc !== undefined) record(dsc, `${path}.dsc`, string, kept);
  for (const k of Object.keys(context)) {
    if (!['traceId', 'parentSpanId', 'sampled', 'sampleRand', 'propagationSpanId', 'dsc'].includes(k)) throw invalid(`${path}.${k} is not a propagation context field`);
  }
  return context as unknown as PropagationContext;
}

/** A hint travels with the event to processors and the sink, never into a scope. A shallow owned copy: its fields are read now (a throwing getter is refused here, not mid-capture); `originalException` stays a reference. */
export function hint(value: unknown): EventHint {
  if (!isPlainObject(value)) throw invalid('hint must be a plain object');
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) setData(out, k, value[k]);
  if (out.attachments !== undefined && !Array.isArray(out.attachments)) throw invalid('hint.attachments must be an array');
  return Object.freeze(out) as EventHint;
}

/** An event's own fields the merge reads must have the shape it expects, or a capture would fail late. */
export function event(value: unknown, own: Own): ScopeEvent {
  const copy = object(value, 'event', own) as ScopeEvent;
  if (copy.breadcrumbs !== undefined && !Array.isArray(copy.breadcrumbs)) throw invalid('event.breadcrumbs must be an array');
  if (copy.fingerprint !== undefined && typeof copy.fingerprint !== 'string' && !Array.isArray(copy.fingerprint)) throw invalid('event.fingerprint must be a string or an array of strings');
  for (const name of ['tags', 'extra', 'user', 'contexts'] as const) {
    if (copy[name] !== undefined && !isPlainObject(copy[name])) throw invalid(`event.${name} must be a plain object`);
  }
  return copy;
}
