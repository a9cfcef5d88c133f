import type {
  Attachment,
  Breadcrumb,
  PlainObject,
  PlainValue,
  Primitive,
  PropagationContext,
  SeverityLevel,
  User,
} from './types.js';

/**
 * Every change a scope's data can undergo. Payloads are already validated, owned and frozen
 * (the protocol layer makes them so), which is what lets the reducer store them as they are.
 */
export type Mutation =
  | { readonly type: 'setTag'; readonly key: string; readonly value: Primitive }
  | { readonly type: 'setTags'; readonly tags: { readonly [key: string]: Primitive } }
  | { readonly type: 'setExtra'; readonly key: string; readonly value: PlainValue }
  | { readonly type: 'setExtras'; readonly extras: PlainObject }
  | { readonly type: 'setContext'; readonly name: string; readonly context: PlainObject | null }
  | { readonly type: 'setUser'; readonly user: User | null }
  | { readonly type: 'setLevel'; readonly level: SeverityLevel }
  | { readonly type: 'setFingerprint'; readonly fingerprint: readonly string[] }
  | { readonly type: 'setTransactionName'; readonly name: string | undefined }
  | { readonly type: 'addBreadcrumb'; readonly breadcrumb: Breadcrumb }
  | { readonly type: 'clearBreadcrumbs' }
  | { readonly type: 'addAttachment'; readonly attachment: Attachment }
  | { readonly type: 'clearAttachments' }
  | { readonly type: 'setPropagationContext'; readonly propagationContext: PropagationContext }
  /** Empties the scope; a fresh trace when `propagationContext` is given, as Sentry's `clear()`. */
  | { readonly type: 'clear'; readonly propagationContext?: PropagationContext };

export type MutationType = Mutation['type'];
