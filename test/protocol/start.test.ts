import { describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { decodeSnapshot, encodeSnapshot, SHARED_FROM } from '../../src/protocol/index.js';

describe('encoded snapshots (the start of a connection)', () => {
  it('decode to an equal, deep-frozen snapshot, keeping what structured clone keeps', async () => {
    const service = createScopeService();
    const scope = service.fork({ isolation: true })
      .setTags({ big: 2n, none: undefined, text: 'x' })
      .setExtra('holes', [1, , 3]) // eslint-disable-line no-sparse-arrays
      .addAttachment({ filename: 'a.bin', data: new Uint8Array([1, 2, 3]) })
      .addBreadcrumb({ message: 'one', data: { nested: { deep: [true] } } });
    const snapshot = scope.snapshot();
    const decoded = decodeSnapshot(encodeSnapshot(snapshot));
    expect(decoded).toEqual(snapshot);
    expect(decoded).not.toBe(snapshot);
    expect(Object.hasOwn(decoded.tags, 'none')).toBe(true);
    expect(1 in (decoded.extra.holes as unknown[])).toBe(false);
    expect(decoded.attachments[0]!.data).toBeInstanceOf(Uint8Array);
    expect(Object.isFrozen((decoded.breadcrumbs[0]!.data as { nested: { deep: boolean[] } }).nested.deep)).toBe(true);
    await service.close();
  });

  it('share one encoding, in shared memory, across forks of unchanged data; a change encodes anew', async () => {
    const service = createScopeService();
    const parent = service.fork({ isolation: true }).setTag('a', 1);
    for (let i = 0; i < 20; i++) parent.addBreadcrumb({ message: `crumb ${i}`, category: 'fill' });
    const [first, second] = [parent.fork(), parent.fork()].map((fork) => encodeSnapshot(fork.snapshot()));
    expect(first!.data).toBe(second!.data);
    expect((first!.data as Uint8Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(first!.data.length).toBeGreaterThanOrEqual(SHARED_FROM);
    expect(second!.id).not.toBe(first!.id);
    const changed = encodeSnapshot(parent.fork().setTag('a', 2).snapshot());
    expect(changed.data).not.toBe(first!.data);
    expect(decodeSnapshot(changed).tags).toEqual({ a: 2 });
    expect(decodeSnapshot(first!)).toMatchObject({ tags: { a: 1 }, breadcrumbs: { length: 20 } });
    await service.close();
  });

  it('carry a small encoding as a string of its bytes, which decodes the same', async () => {
    const service = createScopeService();
    const snapshot = service.fork({ isolation: true }).setTags({ a: 1, big: 2n }).snapshot();
    const encoded = encodeSnapshot(snapshot);
    expect(typeof encoded.data).toBe('string');
    expect(encoded.data.length).toBeLessThan(SHARED_FROM);
    expect(decodeSnapshot(structuredClone(encoded))).toEqual(snapshot);
    await service.close();
  });
});
