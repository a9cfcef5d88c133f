// Hands jobs to a piscina pool with their scope. Run with: npx tsx examples/pool/host.ts
import { createScopeService } from '../../src/index.js';
import { ScopedPool } from '../../src/pool/index.js';

const service = createScopeService({
  onEvent: (event) => console.log('event from a worker:', event.exception?.values[0]?.value, event.tags, event.user),
});
const pool = new ScopedPool({ service, filename: new URL('./task.mjs', import.meta.url).href, maxThreads: 2 });

const request = service.fork({ isolation: true });
request.setUser({ id: 'u-7' }).setTag('route', '/thumbnails').addBreadcrumb({ message: 'request received' });

console.log(await pool.run({ image: 'cat.png', width: 128 }, { scope: request }));
await pool.run({ image: 'dog.png', width: 0 }, { scope: request }).catch((error) => console.log('task failed:', error.message));
console.log('the request scope is untouched by the tasks:', request.snapshot().tags);

request.close();
await pool.close();
await service.close();
console.log('scopes left:', service.stats().scopes);
