import { invalid } from './errors.js';
import { PROTOCOL_VERSION, type Batch, type Message } from './messages.js';
import type { MessageReply, PortReply } from './port.js';
import { describe } from './validate.js';

/**
 * The text form of port messages, for the round trip a remote waits on: a batch of messages that
 * are a type and a scope and nothing else (a `refresh()` is one `snapshot`), and an ack whose
 * replies are all `same` (or none). One string is one thing to clone where an array is one per
 * element: measured on a raw port, this pair cost a round trip ~1.3 µs over a bare number
 * against ~4.2 µs as arrays. Fields are joined by SEP:
 * `batch SEP 1 SEP session SEP seq (SEP type SEP scope)*` and `ack SEP 1 SEP session SEP seq (SEP index)*`,
 * an absent session as an empty field. Anything holding SEP travels as an array (port.ts).
 */
export const SEP = '\u001f';
const BATCH = `batch${SEP}${PROTOCOL_VERSION}${SEP}`;
const ACK = `ack${SEP}${PROTOCOL_VERSION}${SEP}`;
const VALUE_FREE_TYPES = ['snapshot', 'close', 'clearBreadcrumbs', 'clearAttachments'];
/** Each value-free type with the separators around it, so a message adds two strings, not five. */
const VALUE_FREE: ReadonlyMap<string, string> = new Map(VALUE_FREE_TYPES.map((type) => [type, `${SEP}${type}${SEP}`]));

/** Batch `seq` as text, or undefined when a message carries values or a field holds SEP. */
export function batchText(session: string | undefined, seq: number, messages: readonly Message[]): string | undefined {
  let text = BATCH_HEADER.text(session, seq);
  for (let i = 0; text !== undefined && i < messages.length; i++) {
    const { type, scope } = messages[i]!;
    const part = VALUE_FREE.get(type);
    if (part === undefined || scope.includes(SEP)) return undefined;
    text += part + scope;
  }
  return text;
}

/** A text batch read back: its messages as plain `{ v, type, scope }` for the validator to judge. */
export function batchFromText(input: string): Batch {
  // Read in place, fields found by indexOf: TurboFan reads a string char by char at ~45 instructions
  // a char, so short constants are compared as slices (`begins`), ~200 instructions to startsWith's ~400.
  if (!begins(input, BATCH)) {
    if (!input.startsWith(`batch${SEP}`)) throw invalid('a port message must be a batch or a session end');
    throw invalid(`unsupported protocol version ${describe(input.slice(6, fieldEnd(input, 6)))}; this owner speaks ${PROTOCOL_VERSION}`);
  }
  const header = headerAfter(input, BATCH);
  if (!header) throw invalid('batch.seq must be an integer');
  const messages: unknown[] = [];
  let { end } = header;
  let at: number;
  while (end < input.length) {
    at = end + 1;
    end = input.indexOf(SEP, at);
    if (end < 0) throw invalid('a text batch holds type, scope pairs');
    const type = typeAt(input, at, end);
    at = end + 1;
    end = fieldEnd(input, at);
    messages.push({ v: PROTOCOL_VERSION, type, scope: input.slice(at, end) });
  }
  return { v: PROTOCOL_VERSION, type: 'batch', session: header.session, seq: header.seq, messages };
}

/** An ack as text, or undefined when a reply says more than `same` or the session holds SEP. */
export function ackText(reply: PortReply & { type: 'ack' }): string | undefined {
  const { replies } = reply;
  let text = ACK_HEADER.text(reply.session, reply.seq);
  for (let i = 0; text !== undefined && i < replies.length; i++) {
    const item = replies[i]!;
    if (!('same' in item)) return undefined;
    text += INDEX_FIELDS[item.index] ??= SEP + item.index;
  }
  return text;
}

/** A text ack read back. Not validated beyond its kind: only this library's owner speaks to a handle. */
export function ackFromText(wire: string): PortReply {
  if (!begins(wire, ACK)) throw invalid('a reply is an ack or a capture result');
  const header = headerAfter(wire, ACK);
  if (!header) throw invalid('a reply is an ack or a capture result');
  const replies: MessageReply[] = [];
  let { end } = header;
  while (end < wire.length) {
    const at = end + 1;
    end = fieldEnd(wire, at);
    replies.push({ index: integerAt(wire, at, end) ?? -1, same: true });
  }
  return { v: PROTOCOL_VERSION, type: 'ack', session: header.session, seq: header.seq, replies };
}

/**
 * `head session SEP seq`, an absent session as an empty field; undefined when the session holds
 * SEP. The part before seq is kept for the last session seen, per head: a connection names one
 * session in every batch, and an owner mostly answers the sender it just read.
 */
class Header {
  #session: string | undefined | null = null;
  #prefix = '';

  constructor(private readonly head: string) {}

  text(session: string | undefined, seq: number): string | undefined {
    if (session !== this.#session) {
      if (session?.includes(SEP)) return undefined;
      this.#session = session;
      this.#prefix = `${this.head}${session ?? ''}${SEP}`;
    }
    return this.#prefix + seq;
  }
}
const BATCH_HEADER = new Header(BATCH);
const ACK_HEADER = new Header(ACK);
/** `SEP index` per reply index, made once each. */
const INDEX_FIELDS: string[] = [];

/** The session and seq that follow `head` (`head session SEP seq`), and where seq ends; undefined when seq is no integer. */
function headerAfter(text: string, head: string): { session: string | undefined; seq: number; end: number } | undefined {
  const sessionEnd = fieldEnd(text, head.length);
  const end = fieldEnd(text, sessionEnd + 1);
  const seq = integerAt(text, sessionEnd + 1, end);
  if (seq === undefined) return undefined;
  return { session: sessionEnd > head.length ? text.slice(head.length, sessionEnd) : undefined, seq, end };
}

/** Where the field that starts at `at` ends: at the next SEP, or at the end of the text. */
export function fieldEnd(text: string, at: number): number {
  const end = text.indexOf(SEP, at);
  return end < 0 ? text.length : end;
}

/** The integer (up to 15 digits) written from `at` to `end` as `String(n)` writes it (not `-0`, `01`, `1e3`); else undefined. */
export function integerAt(text: string, at: number, end: number): number | undefined {
  const negative = text.charCodeAt(at) === 45; // '-'
  const first = negative ? at + 1 : at;
  if (end <= first || end - first > 15 || (text.charCodeAt(first) === 48 && (negative || end > first + 1))) return undefined;
  let n = 0;
  for (let i = first; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** Whether `text` begins with `head`. */
function begins(text: string, head: string): boolean {
  return text.slice(0, head.length) === head;
}

/** The type named from `at` to `end`: a value-free type's own (internalized) string; else the slice, for the validator to refuse. */
function typeAt(text: string, at: number, end: number): string {
  const name = text.slice(at, end);
  for (let i = 0; i < VALUE_FREE_TYPES.length; i++) if (name === VALUE_FREE_TYPES[i]) return VALUE_FREE_TYPES[i]!;
  return name;
}
