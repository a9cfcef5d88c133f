import type { Attachment, Breadcrumb, PlainObject, EventHint, PlainValue, ScopeEvent, Primitive, PropagationContext, SeverityLevel, User } from '../scope/index.js';
import { invalid, ScopeError } from './errors.js';
import { PROTOCOL_VERSION, type Message, type MessageType } from './messages.js';
import { frozenCopy, frozenInPlace, isPlainObject } from './values.js';
import { setData } from '../scope/records.js';

type Input = Record<string, unknown>;
type Tags = { readonly [key: string]: Primitive };
const v = PROTOCOL_VERSION;

const LEVELS: ReadonlySet<string> = new Set<SeverityLevel>(['fatal', 'error', 'warning', 'log', 'info', 'debug']);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const EVENT_ID = TRACE_ID;
const BREADCRUMB_KEYS: ReadonlySet<string> = new Set(['timestamp', 'message', 'category', 'level', 'type', 'data', 'event_id']);

/**
 * How much of a message the validator may keep as it is, without copying:
 * - `borrowed`: anyone's object (`service.send`): each field is read once into a new envelope and
 *   every value is deep-copied, so a getter or a later change by the caller cannot reach a scope.
 * - `envelope`: a handle's own literal, built for this call: its `v`, `type` and `scope` are the
 *   handle's and taken as they are; the values in it are the caller's, so they are checked and
 *   deep-copied into it, in place. A breadcrumb's top level is the handle's too (the shallow copy
 *   it stamps with the time), so only what it holds is copied.
 * - `cloned`: envelope and values are fresh from a structured clone (a port): nobody else holds
 *   them, so they are checked and frozen in place, with no copy at all.
 * A breadcrumb kept in place (envelope, cloned) is frozen by the log that first hands it out.
 */
export type Ownership = 'borrowed' | 'envelope' | 'cloned';

/** Makes a value the scope's own: a frozen deep copy, or the value itself frozen in place. */
type Own = <T>(value: T, path: string) => T;

/** For a value inside one already owned. */
const kept: Own = (value) => value;

/** The fields each type carries besides v, type and scope: what a borrowed envelope copies. */
const FIELDS: { readonly [T in MessageType]: readonly string[] } = {
  setTag: ['key', 'value'],
  setTags: ['tags'],
  setExtra: ['key', 'value'],
  setExtras: ['extras'],
  setContext: ['name', 'context'],
  setUser: ['user'],
  setLevel: ['level'],
  setFingerprint: ['fingerprint'],
  setTransactionName: ['name'],
  addBreadcrumb: ['breadcrumb'],
  clearBreadcrumbs: [],
  addAttachment: ['attachment'],
  clearAttachments: [],
  setPropagationContext: ['propagationContext'],
  clear: ['propagationContext'],
  fork: ['id', 'isolation', 'propagationContext'],
  close: [],
  capture: ['eventId', 'event', 'hint'],
  snapshot: [],
};

/** Per type: checks an owned envelope's fields and replaces each value by its owned, frozen form. */
const CHECKS: { readonly [T in MessageType]: (m: Input, own: Own, ownership: Ownership) => void } = {
  setTag: (m) => {
    key(m.key, 'key');
    tagValue(m.value, 'value');
  },
  setTags: (m, own) => void (m.tags = record(m.tags, 'tags', tagValue, own)),
  setExtra: (m, own) => {
    key(m.key, 'key');
    m.value = own(m.value, 'value');
  },
  setExtras: (m, own) => void (m.extras = record(m.extras, 'extras', undefined, own)),
  setContext: (m, own) => {
    key(m.name, 'name');
    if (m.context !== null) m.context = object(m.context, 'context', own);
  },
  setUser: (m, own) => void (m.user === null || (m.user = object(m.user, 'user', own))),
  setLevel: (m) => void level(m.level, 'level'),
  setFingerprint: (m) => void (m.fingerprint = strings(m.fingerprint, 'fingerprint')),
  setTransactionName: (m) => void (m.name === undefined || string(m.name, 'name')),
  addBreadcrumb: (m, own, ownership) => void (m.breadcrumb = breadcrumb(m.breadcrumb, own, ownership !== 'borrowed')),
  clearBreadcrumbs: () => {},
  addAttachment: (m) => void (m.attachment = attachment(m.attachment)),
  clearAttachments: () => {},
  setPropagationContext: (m, own) => void (m.propagationContext = propagationContext(m.propagationContext, 'propagationContext', own)),
  clear: (m, own) => void (m.propagationContext === undefined || (m.propagationContext = propagationContext(m.propagationContext, 'propagationContext', own))),
  fork: (m, own) => {
    key(m.id, 'id');
    if (m.isolation !== undefined) boolean(m.isolation, 'isolation');
    if (m.propagationContext !== undefined) m.propagationContext = propagationContext(m.propagationContext, 'propagationContext', own);
  },
  close: () => {},
  capture: (m, own) => {
    pattern(m.eventId, 'eventId', EVENT_ID, '32 lowercase hex characters');
    m.event = event(m.event, own);
    if (m.hint !== undefined) m.hint = hint(m.hint);
  },
  snapshot: () => {},
};

/**
 * The one validator of the protocol: checks shape, types and version of a message from anyone
 * (a ScopeRef, `service.send`, a worker port) and returns it owned and safe to apply, its values
 * deep-frozen (see `Ownership` for what is copied; a handle's own breadcrumb is left for the log
 * to freeze as it hands it out). Throws ScopeError INVALID_MESSAGE saying which
 * field is wrong, also for input that throws while being read (a getter) or cannot be turned into text.
 * @example
 * validateMessage({ v: 1, type: 'setTag', scope: 's1', key: 'k', value: 'v' }); // an owned copy
 * validateMessage({ v: 1, type: 'setTag', scope: 's1', key: 'k', value: {} });  // throws INVALID_MESSAGE
 */
export function validateMessage(input: unknown, ownership: Ownership = 'borrowed'): Message {
  try {
    if (ownership === 'envelope') {
      // A handle's own literal: v, type and scope are the handle's, only the values are the caller's.
      CHECKS[(input as Message).type](input as Input, frozenCopy, ownership);
      return input as Message;
    }
    if (!isPlainObject(input)) throw invalid('a message must be a plain object');
    if (input.v !== v) throw invalid(`unsupported protocol version ${describe(input.v)}; this owner speaks ${v}`);
    const { type } = input;
    if (typeof type !== 'string' || !Object.hasOwn(CHECKS, type)) throw invalid(`unknown message type ${describe(type)}`);
    const m = ownership === 'borrowed' ? envelopeOf(input, type as MessageType) : input;
    key(m.scope, 'scope');
    CHECKS[type as MessageType](m, ownership === 'cloned' ? frozenInPlace : frozenCopy, ownership);
    return m as unknown as Message;
  } catch (error) {
    if (error instanceof ScopeError) throw error;
    throw new ScopeError('INVALID_MESSAGE', `the message could not be read: ${describe(error)}`, { cause: error });
  }
}

/** A borrowed message's fields, each read once: the checks then run on what will be stored. */
function envelopeOf(input: Input, type: MessageType): Input {
  const out: Input = { v, type, scope: input.scope };
  for (const name of FIELDS[type]) {
    const value = input[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Text for any value, even one whose `String()` throws (a null-prototype object, a symbol in a template). */
export function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(`${path} must be a string`);
  return value;
}

function key(value: unknown, path: string): string {
  if (string(value, path).length === 0) throw invalid(`${path} must not be empty`);
  return value as string;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${path} must be a boolean`);
  return value;
}

function pattern(value: unknown, path: string, re: RegExp, what: string): string {
  if (typeof value !== 'string' || !re.test(value)) throw invalid(`${path} must be ${what}`);
  return value;
}

function tagValue(value: unknown, path: string): unknown {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint' || value == null) return value;
  throw invalid(`${path} must be a string, number, boolean, bigint, null or undefined`);
}

function level(value: unknown, path: string): SeverityLevel {
  if (typeof value !== 'string' || !LEVELS.has(value)) throw invalid(`${path} must be one of ${[...LEVELS].join(', ')}`);
  return value as SeverityLevel;
}

function object(value: unknown, path: string, own: Own): PlainObject {
  if (!isPlainObject(value)) throw invalid(`${path} must be a plain object`);
  return own(value as PlainObject, path);
}

// Checks run on the owned copy, never on the caller's object: a getter or proxy cannot show the
// checks one value and the copy another.
function record(value: unknown, path: string, each: ((item: unknown, path: string) => unknown) | undefined, own: Own): object {
  const copy = object(value, path, own);
  if (each) for (const k of Object.keys(copy)) each(copy[k], `${path}.${k}`);
  return copy;
}

function strings(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value)) throw invalid(`${path} must be an array of strings`);
  // An index loop, not forEach: forEach skips holes, which would then be stored as undefined.
  const out = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = string(value[i], `${path}[${i}]`);
  return Object.freeze(out);
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${path} must be a finite number`);
  return value;
}

/**
 * A crumb whose top level is ours (`mine`: a handle's stamped copy, or fresh from a structured
 * clone) is checked in place, with only the objects in it (data) owned. A borrowed one is owned
 * whole first. On the hot path of every breadcrumb, so it walks the keys once and allocates
 * nothing of its own; the crumb is frozen by the log that first hands it out.
 */
function breadcrumb(value: unknown, own: Own, mine: boolean): Breadcrumb {
  if (!isPlainObject(value)) throw invalid('breadcrumb must be a plain object');
  const crumb = mine ? value : own(value, 'breadcrumb');
  const keys = Object.keys(crumb);
  for (let i = 0; i < keys.length; i++) if (!BREADCRUMB_KEYS.has(keys[i]!)) throw invalid(`breadcrumb.${keys[i]} is not a breadcrumb field`);
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

function attachment(value: unknown): Attachment {
  if (!isPlainObject(value)) throw invalid('attachment must be a plain object');
  const { filename, data, contentType } = value;
  key(filename, 'attachment.filename');
  if (contentType !== undefined) string(contentType, 'attachment.contentType');
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw invalid('attachment.data must be a string or a Uint8Array');
  const bytes = typeof data === 'string' ? data : new Uint8Array(data);
  return Object.freeze({ filename: filename as string, data: bytes, ...(contentType === undefined ? {} : { contentType: contentType as string }) });
}

function propagationContext(value: unknown, path: string, own: Own): PropagationContext {
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
function hint(value: unknown): EventHint {
  if (!isPlainObject(value)) throw invalid('hint must be a plain object');
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) setData(out, k, value[k]);
  if (out.attachments !== undefined && !Array.isArray(out.attachments)) throw invalid('hint.attachments must be an array');
  return Object.freeze(out) as EventHint;
}

/** An event's own fields the merge reads must have the shape it expects, or a capture would fail late. */
function event(value: unknown, own: Own): ScopeEvent {
  const copy = object(value, 'event', own) as ScopeEvent;
  if (copy.breadcrumbs !== undefined && !Array.isArray(copy.breadcrumbs)) throw invalid('event.breadcrumbs must be an array');
  if (copy.fingerprint !== undefined && typeof copy.fingerprint !== 'string' && !Array.isArray(copy.fingerprint)) throw invalid('event.fingerprint must be a string or an array of strings');
  for (const name of ['tags', 'extra', 'user', 'contexts'] as const) {
    if (copy[name] !== undefined && !isPlainObject(copy[name])) throw invalid(`event.${name} must be a plain object`);
  }
  return copy;
}
