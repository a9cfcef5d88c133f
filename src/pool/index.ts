export { ScopedPool, type ScopedPoolOptions, type ScopedRunOptions } from './scoped-pool.js';
export type { ScopedTaskMessage } from './worker.js';
export type { ScopeClient } from './scope-client.js';
