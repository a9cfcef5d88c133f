import type { ScopeData } from './data.js';
import type { ScopeId, ScopeSnapshot } from './types.js';

/**
 * The frozen snapshot of sealed data. Every part of sealed data is already frozen, so this is
 * one small object whatever the scope holds; the breadcrumb array is shared by every snapshot and
 * fork that holds the same log.
 */
export function snapshotOf(id: ScopeId, isolationId: ScopeId, version: number, data: ScopeData): ScopeSnapshot {
  return Object.freeze({
    id,
    version,
    isolationId,
    tags: data.tags,
    extra: data.extra,
    contexts: data.contexts,
    user: data.user,
    level: data.level,
    fingerprint: data.fingerprint,
    transactionName: data.transactionName,
    breadcrumbs: data.breadcrumbs.toArray(),
    attachments: data.attachments,
    propagationContext: data.propagationContext,
  });
}
