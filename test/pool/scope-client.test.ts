import { describeScopeBehaviour } from '../shared/scope-behaviour.js';
import { connectScope, type ScopeClient } from '../../src/pool/worker.js';

// The client end over a real MessageChannel (structured clone, port events) in this thread, so
// the same behaviour suite runs over both kinds of handle.
describeScopeBehaviour('ScopeClient over a MessagePort', {
  wrap: (service, scope) => connectScope(service.connect(scope)),
  settle: (handle) => (handle as ScopeClient).flush(),
});
