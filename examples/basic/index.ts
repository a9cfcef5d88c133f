// A tour of the in-thread API: fork, breadcrumbs, snapshots, capture.
// Run with: npx tsx examples/basic/index.ts
import { createScopeService, ScopeError } from '../../src/index.js';

const service = createScopeService({
  maxBreadcrumbs: 50,
  onEvent: (event) => {
    console.log('event out:', { id: event.event_id, tags: event.tags, user: event.user, crumbs: event.breadcrumbs?.length });
  },
});

service.global.setTag('service', 'checkout');

// One isolation scope per unit of work (a request, a job); children copy it when forked.
const request = service.fork({ isolation: true });
request.setUser({ id: 'u-42' }).setTag('route', '/pay').addBreadcrumb({ category: 'http', message: 'POST /pay' });

const step = request.fork();
step.addBreadcrumb({ message: 'charging card' }).setTag('step', 'charge');

const snap = step.snapshot();
console.log('child sees', snap.tags, snap.breadcrumbs.map((c) => c.message));
console.log('parent unaffected', request.snapshot().tags);
console.log('frozen:', Object.isFrozen(snap.breadcrumbs), 'same object while unchanged:', step.snapshot() === snap);

const eventId = await step.captureException(new Error('card declined'));
console.log('captured', eventId);

step.close();
try {
  step.setTag('late', true);
} catch (error) {
  if (error instanceof ScopeError) console.log('after close:', error.code);
}

request.close();
await service.close();
console.log('stats', service.stats());
