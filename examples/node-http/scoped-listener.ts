// The request pattern with plain node:http: one isolation scope per request, closed when the
// handler settles. The region below is quoted verbatim in the README (a test checks it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScopeContext } from '../../src/context/index.js';

/** An async request handler; it finds its scope with `context.getCurrentScope()`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

// #region scoped-listener
/** Wraps `handle` so each request runs in its own isolation scope; a throw is captured with it. */
export const scopedListener =
  (context: ScopeContext, handle: Handler) =>
  (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    context.withIsolationScope(async (scope) => {
      const user = req.headers['x-user-id'];
      scope.setTags({ method: req.method, path: req.url?.split('?')[0] });
      if (typeof user === 'string') scope.setUser({ id: user });
      try {
        await handle(req, res);
      } catch (error) {
        const eventId = await scope.captureException(error);
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ eventId }));
      }
    }); // settles once the request's scope is closed
// #endregion
