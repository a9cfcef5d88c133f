import { BreadcrumbLog } from './breadcrumbs.js';
import type { PropagationContext, ScopeSnapshot } from './types.js';

/** A scope's data as the owner keeps it: a snapshot's fields, but breadcrumbs as a shared log. */
export interface ScopeData extends Omit<ScopeSnapshot, 'id' | 'version' | 'isolationId' | 'breadcrumbs'> {
  readonly breadcrumbs: BreadcrumbLog;
}

const EMPTY_OBJECT = Object.freeze({});
const EMPTY_ARRAY: readonly never[] = Object.freeze([]);

export function emptyScopeData(propagationContext: PropagationContext): ScopeData {
  return Object.freeze({
    tags: EMPTY_OBJECT,
    extra: EMPTY_OBJECT,
    contexts: EMPTY_OBJECT,
    user: null,
    level: undefined,
    fingerprint: EMPTY_ARRAY,
    transactionName: undefined,
    breadcrumbs: BreadcrumbLog.empty,
    attachments: EMPTY_ARRAY,
    propagationContext,
  });
}

export function isEmptyData(data: ScopeData): boolean {
  return (
    isEmptyRecord(data.tags) &&
    isEmptyRecord(data.extra) &&
    isEmptyRecord(data.contexts) &&
    data.user === null &&
    data.level === undefined &&
    data.fingerprint.length === 0 &&
    data.transactionName === undefined &&
    data.breadcrumbs.length === 0 &&
    data.attachments.length === 0
  );
}

/**
 * The data a fork starts with. Sealed data is immutable, so the child shares every part of it:
 * O(1) whatever the breadcrumb count. An isolation fork starts a new trace when given one.
 */
export function forkData(parent: ScopeData, propagationContext?: PropagationContext): ScopeData {
  if (!propagationContext) return parent;
  const data: { -readonly [K in keyof ScopeData]: ScopeData[K] } = copyData(parent);
  data.propagationContext = propagationContext;
  return Object.freeze(data);
}

function isEmptyRecord(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/**
 * A shallow copy of scope data, written out field by field: V8 freezes an object built from a
 * literal an order of magnitude faster than one built by spread (measured: ~50 ns against ~560 ns).
 */
export function copyData(data: ScopeData): ScopeData {
  return {
    tags: data.tags,
    extra: data.extra,
    contexts: data.contexts,
    user: data.user,
    level: data.level,
    fingerprint: data.fingerprint,
    transactionName: data.transactionName,
    breadcrumbs: data.breadcrumbs,
    attachments: data.attachments,
    propagationContext: data.propagationContext,
  };
}
