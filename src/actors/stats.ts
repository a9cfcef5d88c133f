/** What `ScopeService.stats()` reports: counts since the service started, and what is in flight now. */
export interface ScopeServiceStats {
  /** Live scopes, the global one included. */
  scopes: number;
  /** Messages that reached the service, valid or not. `received = applied + rejected + mailboxDepth`. */
  received: number;
  applied: number;
  rejected: number;
  mailboxDepth: number;
  /** Captures handed to the pipeline, and those still running. */
  captures: number;
  capturesPending: number;
  /** Hook failures reported to `onError` (throws, rejections, timeouts). */
  hookErrors: number;
}
