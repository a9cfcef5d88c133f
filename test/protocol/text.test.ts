import { describe, expect, it } from 'vitest';
import { packBatch, packReply, unpackReply, validatePortMessage, type Message, type PortReply } from '../../src/protocol/index.js';
import { code, throughPort } from '../shared/wire.js';

describe('the text form of port messages', () => {
  it('carry a batch of value-free messages, and an ack of `same` replies, as text; anything holding its separator as arrays', () => {
    const reads = [{ v: 1, type: 'snapshot', scope: 'w1' }, { v: 1, type: 'close', scope: 'w1.2' }, { v: 1, type: 'clearBreadcrumbs', scope: 'w1' }] as Message[];
    const wire = throughPort(packBatch('s-1', 3, reads));
    expect(typeof wire).toBe('string');
    expect(validatePortMessage(wire)).toEqual({ v: 1, type: 'batch', session: 's-1', seq: 3, messages: reads });
    expect(validatePortMessage(throughPort(packBatch(undefined, -1, [])))).toEqual({ v: 1, type: 'batch', session: undefined, seq: -1, messages: [] });
    // A type that is not value-free comes back as it was sent, for the validator to refuse.
    expect(validatePortMessage('batch\u001f1\u001fs-1\u001f4\u001fsetTag\u001fw1')).toMatchObject({ seq: 4, messages: [{ v: 1, type: 'setTag', scope: 'w1' }] });
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
      text('batch', 2, 's', 1), text('batch', 1, 's', 1.5), text('batch', 1, 's', '01'), text('batch', 1, 's', '-0'), text('batch', 1, 's', '1e3'), text('batch', 1, 's', '-'), text('batch', 1, 's', ''), text('batch', 1, 's'),
      text('batch', 1, 's', 1, 'snapshot'), text('end', 1, 's', 0), text('ack', 1, 's', 1), '',
    ];
    expect(malformed.map((input) => code(() => validatePortMessage(input)))).toEqual(malformed.map(() => 'INVALID_MESSAGE'));
    expect(['', text('batch', 1, 's', 1), text('ack', 1, 's')].map((wire) => code(() => unpackReply(wire)))).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);
  });
});
