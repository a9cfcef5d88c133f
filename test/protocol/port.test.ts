import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { packBatch, packEnd, packReply, ScopeError, unpackMessages, unpackReply, validatePortMessage, type Message, type PortReply } from '../../src/protocol/index.js';

/** What the other end of a port reads: a structured clone. */
function throughPort<T>(value: T): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const { message } = receiveMessageOnPort(port2)!;
  port1.close();
  return message as T;
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return ScopeError.is(error) ? error.code : 'not a ScopeError';
  }
  return 'accepted';
};

describe('port messages on the wire', () => {
  it('carry a batch as one flat array: the owner reads back its session, seq and every message in order', () => {
    const crumb = (message: string) => ({ v: 1, type: 'addBreadcrumb', scope: 'w1', breadcrumb: { timestamp: 1, message } }) as Message;
    const messages = [crumb('a'), crumb('b'), { v: 1, type: 'setTag', scope: 'w1', key: 'k', value: 1 } as Message, { v: 1, type: 'snapshot', scope: 'w1' } as Message];
    const wire = throughPort(packBatch('s-1', 7, messages));
    expect(wire.slice(0, 4)).toEqual(['batch', 1, 's-1', 7]);
    const batch = validatePortMessage(wire);
    expect(batch).toMatchObject({ v: 1, type: 'batch', session: 's-1', seq: 7 });
    expect(batch.type === 'batch' && unpackMessages(batch.messages)).toEqual(messages);
    expect(validatePortMessage(throughPort(packBatch(undefined, 1, [])))).toEqual({ v: 1, type: 'batch', session: undefined, seq: 1, messages: [] });
  });

  it('carry a session end, and refuse anything else with INVALID_MESSAGE', () => {
    expect(validatePortMessage(throughPort(packEnd('s-1', 3)))).toEqual({ v: 1, type: 'end', session: 's-1', seen: 3 });
    const malformed = [
      ['batch', 2, undefined, 1], ['batch', 1, undefined, 1.5], ['batch', 1, 9, 1], ['end', 1, undefined, 0], ['end', 1, 's', -1], ['end', 1, 's', 0, 'extra'],
      ['ack', 1, undefined, 1], { v: 1, type: 'batch', seq: 1, messages: [] }, null, 'batch', [],
    ];
    expect(malformed.map((input) => code(() => validatePortMessage(input)))).toEqual(malformed.map(() => 'INVALID_MESSAGE'));
  });

  it('carry a batch of value-free messages, and an ack of `same` replies, as text; anything holding its separator as arrays', () => {
    const reads = [{ v: 1, type: 'snapshot', scope: 'w1' }, { v: 1, type: 'close', scope: 'w1.2' }, { v: 1, type: 'clearBreadcrumbs', scope: 'w1' }] as Message[];
    const wire = throughPort(packBatch('s-1', 3, reads));
    expect(typeof wire).toBe('string');
    expect(validatePortMessage(wire)).toEqual({ v: 1, type: 'batch', session: 's-1', seq: 3, messages: reads });
    expect(validatePortMessage(throughPort(packBatch(undefined, -1, [])))).toEqual({ v: 1, type: 'batch', session: undefined, seq: -1, messages: [] });
    const odd = [{ v: 1, type: 'snapshot', scope: 'a\u001fb' }] as Message[];
    expect(Array.isArray(packBatch('s-1', 1, odd))).toBe(true);
    expect(validatePortMessage(throughPort(packBatch('s-1', 1, odd)))).toMatchObject({ messages: odd });

    const same: PortReply = { v: 1, type: 'ack', session: 's-1', seq: 9, replies: [{ index: 0, same: true }, { index: 4, same: true }] };
    expect(typeof packReply(same)).toBe('string');
    expect(unpackReply(throughPort(packReply(same)))).toEqual(same);
    expect(Array.isArray(packReply({ ...same, session: 's\u001f1' }))).toBe(true);
    expect(unpackReply(throughPort(packReply({ ...same, session: 's\u001f1' })))).toEqual({ ...same, session: 's\u001f1' });
  });

  it('refuse malformed text with INVALID_MESSAGE', () => {
    const text = (...fields: unknown[]) => fields.join('\u001f');
    const malformed = [
      text('batch', 2, 's', 1), text('batch', 1, 's', 1.5), text('batch', 1, 's', '01'), text('batch', 1, 's', ''), text('batch', 1, 's'),
      text('batch', 1, 's', 1, 'snapshot'), text('end', 1, 's', 0), text('ack', 1, 's', 1), '',
    ];
    expect(malformed.map((input) => code(() => validatePortMessage(input)))).toEqual(malformed.map(() => 'INVALID_MESSAGE'));
    expect(['', text('batch', 1, 's', 1), text('ack', 1, 's')].map((wire) => code(() => unpackReply(wire)))).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);
  });

  it('carry every kind of reply and read back as it was posted', async () => {
    const service = createScopeService();
    const snapshot = service.fork({ isolation: true }).setTag('a', 1).snapshot();
    const error = new ScopeError('UNKNOWN_SCOPE', 'no such scope').toJSON();
    const replies: PortReply[] = [
      { v: 1, type: 'ack', session: 's-1', seq: 4, replies: [] },
      { v: 1, type: 'ack', seq: -1, replies: [{ index: -1, error }] },
      { v: 1, type: 'ack', session: 's-1', seq: 5, replies: [{ index: 0, same: true }, { index: 2, snapshot }, { index: 3, error }] },
      { v: 1, type: 'captured', session: 's-1', seq: 5, index: 1, eventId: 'e'.repeat(32) },
      { v: 1, type: 'captured', seq: 6, index: 0, error },
    ];
    for (const reply of replies) {
      expect(unpackReply(throughPort(packReply(reply)))).toEqual(reply);
    }
    expect([{ v: 1, type: 'ack', seq: 1, replies: [] }, ['init'], 7].map((wire) => code(() => unpackReply(wire)))).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);
    await service.close();
  });
});
