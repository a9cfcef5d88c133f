// For migration: the data of a @sentry/core Scope, as scope-actor data to apply to a scope.
// Reads through `getScopeData()` only (a type import), so it needs no runtime @sentry/core.
import type { Scope as SentryScope } from '@sentry/core';
import type { ScopeHandle } from '../../actors/index.js';
import type {
  Attachment,
  BreadcrumbInput,
  PlainObject,
  PlainValue,
  Primitive,
  PropagationContextInput,
  SeverityLevel,
  User,
} from '../../scope/index.js';

/** What a Sentry scope holds that a scope-actor scope can hold too. Spans, sessions and event processors are left behind. */
export interface SentryScopeImport {
  tags: { [key: string]: Primitive };
  extra: PlainObject;
  contexts: { [name: string]: PlainObject };
  user: User | null;
  level: SeverityLevel | undefined;
  fingerprint: string[];
  transactionName: string | undefined;
  breadcrumbs: BreadcrumbInput[];
  attachments: Attachment[];
  propagationContext: PropagationContextInput;
}

/**
 * Reads a @sentry/core Scope (or anything with its `getScopeData()`) into plain scope-actor
 * data: a Sentry user with no defined field becomes null, undefined entries are dropped.
 * Values scope-actor cannot carry (functions, class instances) stay in and are refused by
 * `applySentryScope` with INVALID_MESSAGE, so nothing is lost silently.
 */
export function fromSentryScope(scope: Pick<SentryScope, 'getScopeData'>): SentryScopeImport {
  const data = scope.getScopeData();
  const { traceId, sampleRand, parentSpanId, sampled, propagationSpanId, dsc } = data.propagationContext;
  return {
    tags: defined(data.tags) as { [key: string]: Primitive },
    extra: defined(data.extra) as PlainObject,
    contexts: defined(data.contexts) as { [name: string]: PlainObject },
    user: hasDefined(data.user) ? (defined(data.user) as User) : null,
    level: data.level,
    fingerprint: [...data.fingerprint],
    transactionName: data.transactionName,
    breadcrumbs: data.breadcrumbs.map((crumb) => defined(crumb) as BreadcrumbInput),
    attachments: data.attachments.map(({ filename, data: bytes, contentType }) => ({
      filename,
      data: bytes,
      ...(contentType === undefined ? {} : { contentType }),
    })),
    propagationContext: defined({ traceId, sampleRand, parentSpanId, sampled, propagationSpanId, dsc: dsc && (defined(dsc) as { [key: string]: string }) }) as PropagationContextInput,
  };
}

/**
 * Writes what `fromSentryScope` read onto a scope-actor scope, through its ordinary messages
 * (so `beforeBreadcrumb` and `maxBreadcrumbs` apply). Replaces tags, extra, contexts, user,
 * level, fingerprint, transaction name and trace; appends breadcrumbs and attachments.
 * @throws ScopeError INVALID_MESSAGE when a value cannot be carried, SCOPE_CLOSED, SERVICE_CLOSED.
 */
export function applySentryScope<T extends ScopeHandle>(target: T, data: SentryScopeImport): T {
  target.setTags(data.tags).setExtras(data.extra).setUser(data.user).setFingerprint(data.fingerprint);
  for (const [name, context] of Object.entries(data.contexts)) target.setContext(name, context);
  if (data.level) target.setLevel(data.level);
  if (data.transactionName) target.setTransactionName(data.transactionName);
  for (const crumb of data.breadcrumbs) target.addBreadcrumb(crumb);
  for (const attachment of data.attachments) target.addAttachment(attachment);
  target.setPropagationContext(data.propagationContext);
  return target;
}

function defined(record: object): { [key: string]: PlainValue } {
  const out: { [key: string]: PlainValue } = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value as PlainValue;
  return out;
}

function hasDefined(record: object): boolean {
  return Object.values(record).some((value) => value !== undefined);
}
