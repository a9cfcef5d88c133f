export { createScopeContext, type ScopeContext, type ScopeFrame } from './scope-context.js';
