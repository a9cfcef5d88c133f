import { describe, expect, it } from 'vitest';
import { ScopeEntry } from '../../src/actors/scope-entry.js';
import { createScopeService } from '../../src/index.js';

describe('a deferred entry (a worker view whose start is still encoded)', () => {
  it('loads its start only when read, then reduces the writes made before, in order', async () => {
    const service = createScopeService();
    const start = service.fork({ isolation: true }).setTag('k', 'start').snapshot();
    let loads = 0;
    const entry = ScopeEntry.deferred(start.id, start.isolationId, () => (loads++, start), 100);
    entry.apply({ type: 'setTag', key: 'k', value: 'first' }, { maxBreadcrumbs: 100 });
    entry.apply({ type: 'setTag', key: 'k', value: 'first' }, { maxBreadcrumbs: 100 }); // changes nothing
    entry.apply({ type: 'addBreadcrumb', breadcrumb: { timestamp: 1, message: 'm' } }, { maxBreadcrumbs: 100 });
    expect(loads).toBe(0);
    const snapshot = entry.snapshot();
    expect(loads).toBe(1);
    expect(snapshot).toMatchObject({ id: start.id, version: start.version + 2, tags: { k: 'first' }, breadcrumbs: [{ message: 'm' }] });
    expect(entry.snapshot()).toBe(snapshot);
    entry.apply({ type: 'setTag', key: 'k', value: 'later' }, { maxBreadcrumbs: 100 });
    expect(entry.version).toBe(start.version + 3);
    expect(loads).toBe(1);
    await service.close();
  });

  it('decodes once a writer has made many writes, rather than keep them all', async () => {
    const service = createScopeService();
    const start = service.fork({ isolation: true }).snapshot();
    let loads = 0;
    const entry = ScopeEntry.deferred(start.id, start.isolationId, () => (loads++, start), 10);
    for (let i = 0; i < 1_000; i++) entry.apply({ type: 'addBreadcrumb', breadcrumb: { timestamp: i, message: String(i) } }, { maxBreadcrumbs: 10 });
    expect(loads).toBe(1);
    expect(entry.snapshot()).toMatchObject({ version: 1_000, breadcrumbs: Array.from({ length: 10 }, (_, i) => ({ message: String(990 + i) })) });
    await service.close();
  });
});
