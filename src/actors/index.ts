export { createScopeService, ScopeService, type ScopeServiceOptions, type ScopeServiceStats, type DeliveryResult } from './service.js';
export { ScopeRef } from './scope-ref.js';
export type { ForkOptions, ScopeHandle } from './handle.js';
export type { EventProcessor, EventSink } from './capture.js';
