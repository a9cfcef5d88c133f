// Run with: npm run example:http   (PORT=3000 by default, 127.0.0.1 only)
import { createScopeService } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { poolOffload, reportPool } from './offload.js';
import { buildServer } from './server.js';

const service = createScopeService({
  onEvent: (event) => {
    const crumbs = event.breadcrumbs?.map((crumb) => crumb.message);
    console.log('event', JSON.stringify({ id: event.event_id, user: event.user, tags: event.tags, crumbs }));
  },
});
service.global.setTag('service', 'example-http');
const context = createScopeContext(service);
const pool = reportPool(service, context, { maxThreads: 2 });
const app = await buildServer({ context, offload: poolOffload(pool) });

const port = Number(process.env.PORT ?? 3000);
await app.listen({ host: '127.0.0.1', port });
const base = `http://127.0.0.1:${port}`;
console.log(`listening on ${base}; try:
  curl -H 'x-user-id: ada' ${base}/orders/7
  curl -H 'x-user-id: ada' '${base}/orders/7?fail=1'
  curl -H 'x-user-id: bob' -H 'content-type: application/json' -d '{"steps":3,"fail":true}' ${base}/reports`);

const stop = async (): Promise<void> => {
  await app.close(); // waits until every request scope is closed
  await pool.close();
  await service.close();
  console.log('stopped', service.stats());
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
