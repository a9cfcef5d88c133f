import { invalid, ScopeError } from './errors.js';
import { attachment, boolean, breadcrumb, event, EVENT_ID, hint, key, level, object, pattern, propagationContext, record, string, strings, tagValue, type Own } from './fields.js';
import { PROTOCOL_VERSION, type Message, type MessageType } from './messages.js';
import { frozenCopy, frozenInPlace, isPlainObject } from './values.js';

type Input = Record<string, unknown>;
const v = PROTOCOL_VERSION;

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
