export const SCOPE_ERROR_CODES = [
  'INVALID_MESSAGE',
  'UNKNOWN_SCOPE',
  'SCOPE_CLOSED',
  'MAILBOX_FULL',
  'TIMEOUT',
  'SERVICE_CLOSED',
] as const;

export type ScopeErrorCode = (typeof SCOPE_ERROR_CODES)[number];

/**
 * The one error type scope-actor throws; tell cases apart by `code`, not by message text.
 * @example
 * try { scope.setTag('k', () => 1 as never); } catch (error) {
 *   if (ScopeError.is(error, 'INVALID_MESSAGE')) console.warn(error.message);
 * }
 */
export class ScopeError extends Error {
  override readonly name = 'ScopeError';

  constructor(
    readonly code: ScopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The plain form that crosses a MessagePort (class instances lose their class there). */
  toJSON(): SerializedScopeError {
    return { name: 'ScopeError', code: this.code, message: this.message };
  }

  static fromJSON(data: SerializedScopeError): ScopeError {
    return new ScopeError(data.code, data.message);
  }

  static is(value: unknown, code?: ScopeErrorCode): value is ScopeError {
    return value instanceof ScopeError && (code === undefined || value.code === code);
  }
}

export interface SerializedScopeError {
  readonly name: 'ScopeError';
  readonly code: ScopeErrorCode;
  readonly message: string;
}

/**
 * What a worker throws for a ScopeError: an error crossing a thread keeps its message, stack and
 * `cause` but not its class or `code`, so the serialized ScopeError travels as the cause.
 */
export function errorForThread(error: unknown): unknown {
  if (!(error instanceof ScopeError)) return error;
  const carrier = new Error(error.message, { cause: error.toJSON() });
  carrier.stack = error.stack;
  return carrier;
}

/** The ScopeError that `errorForThread` sent, back in its class; anything else unchanged. */
export function errorFromThread(error: unknown): unknown {
  const cause = error instanceof Error ? (error.cause as Partial<SerializedScopeError> | undefined) : undefined;
  if (cause?.name !== 'ScopeError' || !SCOPE_ERROR_CODES.includes(cause.code!) || typeof cause.message !== 'string') return error;
  const restored = ScopeError.fromJSON(cause as SerializedScopeError);
  restored.stack = (error as Error).stack;
  return restored;
}

export function invalid(message: string): ScopeError {
  return new ScopeError('INVALID_MESSAGE', message);
}
