export { ScopedPool, type ScopedPoolOptions, type ScopedRunOptions } from './scoped-pool.js';
export type { ScopedTaskMessage } from './worker.js';
export type { ScopeClient } from './scope-client.js';
export { isLinkOffer, isStartRequest, type LinkOffer, type StartRequest } from './link.js';
