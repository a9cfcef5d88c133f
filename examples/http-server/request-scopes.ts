// A fastify plugin giving every request its own isolation scope, carried through the request's
// async code by AsyncLocalStorage and reachable explicitly as `request.scope`.
import { AsyncResource } from 'node:async_hooks';
import type { FastifyError, FastifyPluginCallback, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { ScopeRef } from '../../src/index.js';
import type { ScopeContext } from '../../src/context/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's isolation scope; the same as `context.getIsolationScope()` in its handlers. */
    scope: ScopeRef;
  }
}

/** The context whose `withIsolationScope` opens each request's scope. */
export interface RequestScopesOptions {
  context: ScopeContext;
}

/** Runs `fn` in the async context (the request's) this function was made in. */
type Resume = <T>(fn: () => T) => T;
const resume = Symbol('scope-actor.resume');
type ResumableRequest = FastifyRequest & { [resume]?: Resume };
const inRequestContext = <T>(request: FastifyRequest, fn: () => T): T => {
  const resumeIn = (request as ResumableRequest)[resume];
  return resumeIn ? resumeIn(fn) : fn();
};

/**
 * Opens an isolation scope per request in `onRequest` (tagged with method, route and request
 * id, the user from `x-user-id`) and keeps the rest of the lifecycle inside it:
 *
 * - `withIsolationScope` gets a callback that calls fastify's `done()` and returns a promise
 *   settling when the response is closed (sent or aborted), so the scope lives exactly as long
 *   as the request and is closed by `withIsolationScope` itself. Nothing uses `enterWith`.
 * - The hooks and the handler run as continuations of that `done()`, so they inherit the
 *   context, unless something on the way resumes from an event emitted in another context: a
 *   body stream on some Node versions (nodejs/node#34430), or any hook that calls its `done`
 *   from an event listener. So the request keeps an `AsyncResource` binding of its context, and
 *   two points re-enter it: `preValidation` (after the body, as @fastify/request-context does)
 *   and every route handler (wrapped in `onRoute`), so the handler's context never depends on
 *   what ran before it.
 * - `request.scope` is the explicit handle, for code that may run outside the context: the error
 *   handler uses it, as a body-parsing error reaches the error handler before `preValidation`.
 *
 * Errors of status 500 and up are captured with the request's scope; the reply carries the
 * event id. Handler code still running after the response was closed (an aborted request) meets
 * a closed scope: its writes throw SCOPE_CLOSED, and its error is logged, not captured.
 * `onClose` waits until every request scope is closed.
 */
export const requestScopes: FastifyPluginCallback<RequestScopesOptions> = (app, { context }, done) => {
  const open = new Set<Promise<void>>();
  app.decorateRequest('scope', null as unknown as ScopeRef);

  app.addHook('onRequest', (request, reply, next) => {
    const lifecycle = context.withIsolationScope((scope) => {
      request.scope = scope;
      (request as ResumableRequest)[resume] = AsyncResource.bind((fn) => fn()) as Resume;
      const user = request.headers['x-user-id'];
      scope
        .setTags({ method: request.method, route: request.routeOptions.url ?? 'unmatched', request_id: request.id })
        .setUser(typeof user === 'string' && user !== '' ? { id: user } : null)
        .addBreadcrumb({ category: 'http', message: `${request.method} ${request.url}` });
      const closed = new Promise<void>((resolve) => reply.raw.once('close', resolve));
      next();
      return closed;
    });
    open.add(lifecycle);
    void lifecycle.finally(() => open.delete(lifecycle));
  });

  app.addHook('preValidation', (request, _reply, next) => inRequestContext(request, next));

  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function scopedHandler(request, reply) {
      return inRequestContext(request, () => handler.call(this, request, reply));
    };
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: error.message });
    if (request.scope.closed) {
      // The response was closed (the client went away) and the request's scope with it.
      request.log.warn({ err: error }, 'request failed after its response was closed');
      return reply.code(status).send({ error: 'internal error' });
    }
    const eventId = await request.scope.captureException(error);
    return reply.code(status).send({ error: 'internal error', eventId });
  });

  app.addHook('onClose', async () => {
    await Promise.all(open);
  });
  done();
};

// Hooks and the error handler must apply to the whole app, not only inside this plugin's own
// encapsulation context; this is the flag fastify-plugin sets.
Object.assign(requestScopes, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'request-scopes' });
