import { Scope } from '@sentry/core';
import { expect, it } from 'vitest';
import { createScopeService, ScopeError } from '../../../src/index.js';
import { applySentryScope } from '../../../src/integrations/sentry/index.js';

it('copies a @sentry/core Scope onto a scope-actor handle', () => {
  const sentry = new Scope();
  sentry.setTags({ a: '1' });
  sentry.setExtra('e', { deep: true });
  sentry.setContext('os', { name: 'linux' });
  sentry.setUser({ id: 'u' });
  sentry.setLevel('warning');
  sentry.setFingerprint(['f']);
  sentry.setTransactionName('tx');
  sentry.addBreadcrumb({ message: 'm', timestamp: 5 });
  sentry.addAttachment({ filename: 'a.txt', data: 'hello' });
  sentry.setPropagationContext({ traceId: 'a'.repeat(32), sampleRand: 0.5, parentSpanId: 'b'.repeat(16) });

  const service = createScopeService();
  const snap = applySentryScope(service.fork({ isolation: true }), sentry).snapshot();
  expect(snap).toMatchObject({
    tags: { a: '1' },
    extra: { e: { deep: true } },
    contexts: { os: { name: 'linux' } },
    user: { id: 'u' },
    level: 'warning',
    fingerprint: ['f'],
    transactionName: 'tx',
    breadcrumbs: [{ message: 'm', timestamp: 5 }],
    attachments: [{ filename: 'a.txt', data: 'hello' }],
    propagationContext: { traceId: 'a'.repeat(32), parentSpanId: 'b'.repeat(16), sampleRand: 0.5 },
  });
});

it('refuses what cannot cross a thread, with a typed error', () => {
  const sentry = new Scope();
  sentry.setExtra('when', new Date() as never);
  const service = createScopeService();
  expect(() => applySentryScope(service.fork(), sentry)).toThrow(ScopeError);
});
