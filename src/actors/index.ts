export { createScopeService, ScopeService, type ScopeServiceOptions, type ScopeServiceStats } from './service.js';
export type { DeliveryResult } from './session.js';
export { ScopeRef } from './scope-ref.js';
export type { ForkOptions, ScopeHandle } from './handle.js';
export type { EventProcessor, EventSink } from './capture.js';
