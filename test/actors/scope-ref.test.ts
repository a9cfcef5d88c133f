import { describeScopeBehaviour } from '../shared/scope-behaviour.js';

describeScopeBehaviour('in-thread ScopeRef', {
  wrap: (_service, scope) => scope,
  settle: async () => {},
});
