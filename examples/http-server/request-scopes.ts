// A fastify plugin giving every request its own isolation scope, carried through the request's
// async code by AsyncLocalStorage and reachable explicitly as `request.scope`.
import { AsyncResource } from 'node:async_hooks';
import type { FastifyError, FastifyPluginCallback } from 'fastify';
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

/** Runs `next` in the async context this function was made in. */
type Resume = (next: () => void) => void;
const resume = Symbol('scope-actor.resume');
type ResumableRequest = { [resume]?: Resume };

/**
 * Opens an isolation scope per request in `onRequest` (tagged with method, route and request
 * id, the user from `x-user-id`) and keeps the rest of the lifecycle inside it:
 *
 * - `withIsolationScope` gets a callback that calls fastify's `done()` and returns a promise
 *   settling when the response is closed (sent or aborted), so the scope lives exactly as long
 *   as the request and is closed by `withIsolationScope` itself. Nothing uses `enterWith`.
 * - The hooks and handler run as continuations of that `done()`, so they inherit the context.
 *   Body parsing is the one place where they could resume from a stream event emitted in the
 *   socket's context instead (older Node versions did; nodejs/node#34430), so `preValidation`
 *   re-enters the request's context through an `AsyncResource` binding, the way
 *   @fastify/request-context does. It costs one call and makes the handler's context
 *   independent of how the body arrived.
 * - `request.scope` is the explicit handle, for code that may run outside the context: the error
 *   handler uses it, as a body-parsing error reaches the error handler before `preValidation`.
 *
 * Errors of status 500 and up are captured with the request's scope; the reply carries the
 * event id. `onClose` waits until every request scope is closed.
 */
export const requestScopes: FastifyPluginCallback<RequestScopesOptions> = (app, { context }, done) => {
  const open = new Set<Promise<void>>();
  app.decorateRequest('scope', null as unknown as ScopeRef);

  app.addHook('onRequest', (request, reply, next) => {
    const lifecycle = context.withIsolationScope((scope) => {
      request.scope = scope;
      (request as ResumableRequest)[resume] = AsyncResource.bind((fn: () => void) => fn());
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

  app.addHook('preValidation', (request, _reply, next) => {
    const resumeIn = (request as ResumableRequest)[resume];
    if (resumeIn) resumeIn(next);
    else next();
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: error.message });
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

