// Migrating from Sentry's mutable scopes: the data of a @sentry/core Scope as scope-actor writes.
import type { Scope } from '@sentry/core';
import type { ScopeHandle } from '../../actors/handle.js';

/**
 * Copies what a @sentry/core Scope holds (tags, extra, contexts, user, level, fingerprint,
 * transaction name, breadcrumbs, attachments, propagation context) onto a scope-actor handle,
 * through its ordinary methods, so every value is validated. Event processors and the client are
 * not data and are not copied.
 * @throws ScopeError INVALID_MESSAGE when the Sentry scope holds values that cannot cross a thread.
 * @example applySentryScope(service.fork({ isolation: true }), Sentry.getIsolationScope());
 */
export function applySentryScope<H extends ScopeHandle>(handle: H, scope: Scope): H {
  const data = scope.getScopeData();
  handle.setTags(data.tags as never).setExtras(data.extra as never);
  for (const [name, context] of Object.entries(data.contexts)) if (context) handle.setContext(name, context as never);
  if (Object.values(data.user).some((value) => value !== undefined)) handle.setUser(data.user as never);
  if (data.level) handle.setLevel(data.level);
  if (data.fingerprint.length) handle.setFingerprint(data.fingerprint);
  if (data.transactionName) handle.setTransactionName(data.transactionName);
  for (const crumb of data.breadcrumbs) handle.addBreadcrumb(crumb as never);
  for (const { filename, data: bytes, contentType } of data.attachments) {
    handle.addAttachment({ filename, data: typeof bytes === 'string' ? bytes : new Uint8Array(bytes), ...(contentType ? { contentType } : {}) });
  }
  handle.setPropagationContext(data.propagationContext);
  return handle;
}
