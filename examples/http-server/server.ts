// Assembles the example server; index.ts runs it, the tests start it on a random port.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ScopeContext } from '../../src/context/index.js';
import { inThreadOffload, type Offload } from './offload.js';
import { requestScopes } from './request-scopes.js';
import { routes } from './routes.js';

export interface ServerOptions {
  context: ScopeContext;
  /** Where /reports work runs; in this thread by default. */
  offload?: Offload;
  logger?: boolean;
}

/** A fastify app with one isolation scope per request. Request ids come from `x-request-id` when sent. */
export async function buildServer({ context, offload = inThreadOffload(context), logger = false }: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger, requestIdHeader: 'x-request-id' });
  await app.register(requestScopes, { context });
  await app.register(routes, { context, offload });
  return app;
}
