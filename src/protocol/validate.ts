import type { Attachment, Breadcrumb, PlainObject, EventHint, PlainValue, ScopeEvent, Primitive, PropagationContext, SeverityLevel, User } from '../scope/index.js';
import { invalid, ScopeError } from './errors.js';
import { PROTOCOL_VERSION, type Message, type MessageType } from './messages.js';
import { frozenCopy, isPlainObject } from './values.js';
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
 * Per message type: the whole message, rebuilt from checked and copied fields. Written out per
 * type (no spreads) because this runs for every message and sits on the hot path.
 */
const PARSERS: { readonly [T in MessageType]: (m: Input, scope: string) => Message } = {
  setTag: (m, scope) => ({ v, type: 'setTag', scope, key: key(m.key, 'key'), value: tagValue(m.value, 'value') as Primitive }),
  setTags: (m, scope) => ({ v, type: 'setTags', scope, tags: record(m.tags, 'tags', tagValue) as Tags }),
  setExtra: (m, scope) => ({ v, type: 'setExtra', scope, key: key(m.key, 'key'), value: frozenCopy(m.value as PlainValue, 'value') }),
  setExtras: (m, scope) => ({ v, type: 'setExtras', scope, extras: record(m.extras, 'extras', frozenCopy) as PlainObject }),
  setContext: (m, scope) => ({ v, type: 'setContext', scope, name: key(m.name, 'name'), context: m.context === null ? null : object(m.context, 'context') }),
  setUser: (m, scope) => ({ v, type: 'setUser', scope, user: m.user === null ? null : (object(m.user, 'user') as User) }),
  setLevel: (m, scope) => ({ v, type: 'setLevel', scope, level: level(m.level, 'level') }),
  setFingerprint: (m, scope) => ({ v, type: 'setFingerprint', scope, fingerprint: strings(m.fingerprint, 'fingerprint') }),
  setTransactionName: (m, scope) => ({ v, type: 'setTransactionName', scope, name: m.name === undefined ? undefined : string(m.name, 'name') }),
  addBreadcrumb: (m, scope) => ({ v, type: 'addBreadcrumb', scope, breadcrumb: breadcrumb(m.breadcrumb) }),
  clearBreadcrumbs: (_, scope) => ({ v, type: 'clearBreadcrumbs', scope }),
  addAttachment: (m, scope) => ({ v, type: 'addAttachment', scope, attachment: attachment(m.attachment) }),
  clearAttachments: (_, scope) => ({ v, type: 'clearAttachments', scope }),
  setPropagationContext: (m, scope) => ({ v, type: 'setPropagationContext', scope, propagationContext: propagationContext(m.propagationContext, 'propagationContext') }),
  clear: (m, scope) => ({ v, type: 'clear', scope, ...optional('propagationContext', m.propagationContext, propagationContext) }),
  fork: (m, scope) => ({
    v,
    type: 'fork',
    scope,
    id: key(m.id, 'id'),
    ...optional('isolation', m.isolation, boolean),
    ...optional('propagationContext', m.propagationContext, propagationContext),
  }),
  close: (_, scope) => ({ v, type: 'close', scope }),
  capture: (m, scope) => ({
    v,
    type: 'capture',
    scope,
    eventId: pattern(m.eventId, 'eventId', EVENT_ID, '32 lowercase hex characters'),
    event: event(m.event),
    ...optional('hint', m.hint, hint),
  }),
  snapshot: (_, scope) => ({ v, type: 'snapshot', scope }),
};

/**
 * The one validator of the protocol: checks shape, types and version of a message from anyone
 * (a ScopeRef, `service.send`, a worker port) and returns an owned, frozen copy that is safe
 * to apply. Throws ScopeError INVALID_MESSAGE saying which field is wrong, also for input that
 * throws while being read (a getter) or cannot be turned into text.
 * @example
 * validateMessage({ v: 1, type: 'setTag', scope: 's1', key: 'k', value: 'v' }); // a frozen copy
 * validateMessage({ v: 1, type: 'setTag', scope: 's1', key: 'k', value: {} });  // throws INVALID_MESSAGE
 */
export function validateMessage(input: unknown): Message {
  try {
    return parse(input);
  } catch (error) {
    if (error instanceof ScopeError) throw error;
    throw new ScopeError('INVALID_MESSAGE', `the message could not be read: ${describe(error)}`, { cause: error });
  }
}

function parse(input: unknown): Message {
  if (!isPlainObject(input)) throw invalid('a message must be a plain object');
  if (input.v !== v) throw invalid(`unsupported protocol version ${describe(input.v)}; this owner speaks ${v}`);
  const { type } = input;
  if (typeof type !== 'string' || !Object.hasOwn(PARSERS, type)) throw invalid(`unknown message type ${describe(type)}`);
  return PARSERS[type as MessageType](input, key(input.scope, 'scope'));
}

/** Text for any value, even one whose `String()` throws (a null-prototype object, a symbol in a template). */
export function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `{ [name]: parse(value) }`, or nothing when the optional field is absent. */
function optional<K extends string, T>(name: K, value: unknown, parse: (value: unknown, path: string) => T): { [P in K]?: T } {
  return value === undefined ? {} : ({ [name]: parse(value, name) } as { [P in K]: T });
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

function object(value: unknown, path: string): PlainObject {
  if (!isPlainObject(value)) throw invalid(`${path} must be a plain object`);
  return frozenCopy(value as PlainObject, path);
}

// Checks run on the owned copy, never on the caller's object: a getter or proxy cannot show the
// checks one value and the copy another.
function record(value: unknown, path: string, each: (item: unknown, path: string) => unknown): object {
  if (!isPlainObject(value)) throw invalid(`${path} must be a plain object`);
  const copy = frozenCopy(value, path);
  for (const k of Object.keys(copy)) each(copy[k], `${path}.${k}`);
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

function breadcrumb(value: unknown): Breadcrumb {
  if (!isPlainObject(value)) throw invalid('breadcrumb must be a plain object');
  const crumb = frozenCopy(value, 'breadcrumb');
  for (const k of Object.keys(crumb)) if (!BREADCRUMB_KEYS.has(k)) throw invalid(`breadcrumb.${k} is not a breadcrumb field`);
  const { timestamp, message, category, type, data, level: crumbLevel } = crumb;
  finite(timestamp, 'breadcrumb.timestamp');
  if (message !== undefined) string(message, 'breadcrumb.message');
  if (category !== undefined) string(category, 'breadcrumb.category');
  if (type !== undefined) string(type, 'breadcrumb.type');
  if (crumbLevel !== undefined) level(crumbLevel, 'breadcrumb.level');
  if (data !== undefined && !isPlainObject(data)) throw invalid('breadcrumb.data must be a plain object');
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

function propagationContext(value: unknown, path: string): PropagationContext {
  if (!isPlainObject(value)) throw invalid(`${path} must be a plain object`);
  const context = frozenCopy(value, path);
  const { traceId, parentSpanId, sampled, sampleRand, propagationSpanId, dsc } = context;
  pattern(traceId, `${path}.traceId`, TRACE_ID, '32 lowercase hex characters');
  if (parentSpanId !== undefined) pattern(parentSpanId, `${path}.parentSpanId`, SPAN_ID, '16 lowercase hex characters');
  if (propagationSpanId !== undefined) pattern(propagationSpanId, `${path}.propagationSpanId`, SPAN_ID, '16 lowercase hex characters');
  if (sampled !== undefined) boolean(sampled, `${path}.sampled`);
  if (finite(sampleRand, `${path}.sampleRand`) < 0 || (sampleRand as number) >= 1) throw invalid(`${path}.sampleRand must be in [0, 1)`);
  if (dsc !== undefined) record(dsc, `${path}.dsc`, string);
  for (const k of Object.keys(context)) {
    if (!['traceId', 'parentSpanId', 'sampled', 'sampleRand', 'propagationSpanId', 'dsc'].includes(k)) throw invalid(`${path}.${k} is not a propagation context field`);
  }
  return context as unknown as PropagationContext;
}

/** A hint travels with the event to processors and the sink, never into a scope: it is checked, not copied. */
/** A shallow owned copy: its fields are read now (a throwing getter is refused here, not mid-capture); `originalException` stays a reference. */
function hint(value: unknown): EventHint {
  if (!isPlainObject(value)) throw invalid('hint must be a plain object');
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) setData(out, k, value[k]);
  if (out.attachments !== undefined && !Array.isArray(out.attachments)) throw invalid('hint.attachments must be an array');
  return Object.freeze(out) as EventHint;
}

/** An event's own fields the merge reads must have the shape it expects, or a capture would fail late. */
function event(value: unknown): ScopeEvent {
  const copy = object(value, 'event') as ScopeEvent;
  if (copy.breadcrumbs !== undefined && !Array.isArray(copy.breadcrumbs)) throw invalid('event.breadcrumbs must be an array');
  if (copy.fingerprint !== undefined && typeof copy.fingerprint !== 'string' && !Array.isArray(copy.fingerprint)) throw invalid('event.fingerprint must be a string or an array of strings');
  for (const name of ['tags', 'extra', 'user', 'contexts'] as const) {
    if (copy[name] !== undefined && !isPlainObject(copy[name])) throw invalid(`event.${name} must be a plain object`);
  }
  return copy;
}
