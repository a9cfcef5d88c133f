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
const SEP = '\u001f';
const VALUE_FREE: ReadonlySet<string> = new Set(['snapshot', 'close', 'clearBreadcrumbs', 'clearAttachments']);

/** Batch `seq` as text, or undefined when a message carries values or a field holds SEP. */
export function batchText(session: string | undefined, seq: number, messages: readonly Message[]): string | undefined {
  let text = header('batch', session, seq);
  for (let i = 0; text !== undefined && i < messages.length; i++) {
    const { type, scope } = messages[i]!;
    text = VALUE_FREE.has(type) && !scope.includes(SEP) ? `${text}${SEP}${type}${SEP}${scope}` : undefined;
  }
  return text;
}

/** A text batch read back: its messages as plain `{ v, type, scope }` for the validator to judge. */
export function batchFromText(input: string): Batch {
  const fields = new Fields(input);
  const [kind, version, session, seq] = [fields.next(), fields.next(), fields.next(), fields.next()];
  if (kind !== 'batch' || seq === undefined) throw invalid('a port message must be a batch or a session end');
  if (version !== String(PROTOCOL_VERSION)) throw invalid(`unsupported protocol version ${describe(version)}; this owner speaks ${PROTOCOL_VERSION}`);
  const n = Number(seq);
  if (!Number.isSafeInteger(n) || String(n) !== seq) throw invalid('batch.seq must be an integer');
  const messages: unknown[] = [];
  while (!fields.done) {
    const type = fields.next();
    const scope = fields.next();
    if (scope === undefined) throw invalid('a text batch holds type, scope pairs');
    messages.push({ v: PROTOCOL_VERSION, type, scope });
  }
  return { v: PROTOCOL_VERSION, type: 'batch', session: session || undefined, seq: n, messages };
}

/** An ack as text, or undefined when a reply says more than `same` or the session holds SEP. */
export function ackText(reply: PortReply & { type: 'ack' }): string | undefined {
  let text = reply.replies.every((item) => 'same' in item) ? header('ack', reply.session, reply.seq) : undefined;
  if (text !== undefined) for (const item of reply.replies) text += `${SEP}${item.index}`;
  return text;
}

/** A text ack read back. Not validated beyond its kind: only this library's owner speaks to a handle. */
export function ackFromText(wire: string): PortReply {
  const fields = new Fields(wire);
  const [kind, , session, seq] = [fields.next(), fields.next(), fields.next(), fields.next()];
  if (kind !== 'ack' || seq === undefined) throw invalid('a reply is an ack or a capture result');
  const replies: MessageReply[] = [];
  while (!fields.done) replies.push({ index: Number(fields.next()), same: true });
  return { v: PROTOCOL_VERSION, type: 'ack', session: session || undefined, seq: Number(seq), replies };
}

function header(kind: 'batch' | 'ack', session: string | undefined, seq: number): string | undefined {
  if (session?.includes(SEP)) return undefined;
  return `${kind}${SEP}${PROTOCOL_VERSION}${SEP}${session ?? ''}${SEP}${seq}`;
}

/** The fields of a text message, read left to right: `split` cost ~2.5× as much here. */
class Fields {
  #at = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.#at > this.text.length;
  }

  /** The next field; undefined past the last. */
  next(): string | undefined {
    if (this.done) return undefined;
    const end = this.text.indexOf(SEP, this.#at);
    const field = this.text.slice(this.#at, end < 0 ? this.text.length : end);
    this.#at = end < 0 ? this.text.length + 1 : end + 1;
    return field;
  }
}
