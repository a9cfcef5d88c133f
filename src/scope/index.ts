export * from './types.js';
export { BreadcrumbLog, sealCrumb } from './breadcrumbs.js';
export { emptyScopeData, forkData, type ScopeData } from './data.js';
export { applyMutation, ScopeDraft, MAX_BREADCRUMB_MESSAGE, type ReduceOptions } from './draft.js';
export type { Mutation, MutationType } from './mutations.js';
export { snapshotOf } from './snapshot.js';
export * from './event.js';
export { deepFreeze, setData } from './records.js';
