/** The plain, frozen data a scope carries. Every type here is structured-clone safe. */

export type ScopeId = string;

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'log' | 'info' | 'debug';

/** Tag values: the primitives Sentry accepts that can also cross a thread. */
export type Primitive = string | number | boolean | bigint | null | undefined;

/** Anything a structured clone copies faithfully and `Object.freeze` can seal. */
export type PlainValue =
  | Primitive
  | readonly PlainValue[]
  | { readonly [key: string]: PlainValue };

export type PlainObject = { readonly [key: string]: PlainValue };

export interface User {
  readonly id?: string | number;
  readonly email?: string;
  readonly username?: string;
  readonly ip_address?: string;
  readonly [key: string]: PlainValue;
}

export interface Breadcrumb {
  readonly timestamp: number;
  readonly message?: string;
  readonly category?: string;
  readonly level?: SeverityLevel;
  readonly type?: string;
  readonly data?: PlainObject;
}

/** What a caller passes to `addBreadcrumb`: the timestamp defaults to now (seconds). */
export type BreadcrumbInput = Omit<Breadcrumb, 'timestamp'> & { readonly timestamp?: number };

export interface Attachment {
  readonly filename: string;
  /** A string, or bytes. Byte arrays are copied on the way in but cannot be frozen by JavaScript. */
  readonly data: string | Uint8Array;
  readonly contentType?: string;
}

export interface PropagationContext {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters: the span this trace continues from. */
  readonly parentSpanId?: string;
  readonly sampled?: boolean;
  /** A number in [0, 1) that makes sampling decisions consistent along a trace. */
  readonly sampleRand: number;
  /** 16 lowercase hex characters: the span id events report when no span is active. */
  readonly propagationSpanId?: string;
  /** Dynamic sampling context from incoming `baggage` (`sentry-*` entries, prefix removed). */
  readonly dsc?: { readonly [key: string]: string };
}

/** What the caller passes to `setPropagationContext`; `sampleRand` is filled in when missing. */
export type PropagationContextInput = Omit<PropagationContext, 'sampleRand'> & {
  readonly sampleRand?: number;
};

export interface ScopeSnapshot {
  readonly id: ScopeId;
  readonly version: number;
  readonly isolationId: ScopeId;
  readonly tags: { readonly [key: string]: Primitive };
  readonly extra: PlainObject;
  readonly contexts: { readonly [name: string]: PlainObject };
  readonly user: User | null;
  readonly level: SeverityLevel | undefined;
  readonly fingerprint: readonly string[];
  readonly transactionName: string | undefined;
  readonly breadcrumbs: readonly Breadcrumb[];
  readonly attachments: readonly Attachment[];
  readonly propagationContext: PropagationContext;
}
