import { describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { packBatch, packEnd, packReply, ScopeError, unpackMessages, unpackReply, validatePortMessage, type Message, type PortReply } from '../../src/protocol/index.js';
import { code, throughPort } from '../shared/wire.js';

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
