export { ScopedPool, type ScopedPoolOptions, type ScopedRunOptions } from './scoped-pool.js';
export type { ScopedTaskMessage } from './worker.js';
export type { ScopeClient } from './scope-client.js';
export { isLinkOffer, type LinkOffer } from './link.js';
