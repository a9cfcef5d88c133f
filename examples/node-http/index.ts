// Run with: npx tsx examples/node-http/index.ts   (PORT=3001 by default, 127.0.0.1 only)
import { createServer } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createScopeService } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { scopedListener } from './scoped-listener.js';

const service = createScopeService({ onEvent: (event) => console.log('event', JSON.stringify({ user: event.user, tags: event.tags, crumbs: event.breadcrumbs?.map((c) => c.message) })) });
const context = createScopeContext(service);

const server = createServer(
  scopedListener(context, async (req, res) => {
    context.getCurrentScope().addBreadcrumb({ message: 'loading' });
    await nextTurn();
    if (req.url?.includes('fail')) throw new Error('failed on purpose');
    res.end('ok\n');
  }),
);
const port = Number(process.env.PORT ?? 3001);
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}; try: curl -H 'x-user-id: ada' http://127.0.0.1:${port}/fail`));
process.once('SIGINT', () => server.close(() => void service.close()));
