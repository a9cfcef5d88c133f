// The example's routes. Code below the handlers reaches the request's scope through the context
// (getCurrentScope), not through the request object.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyPluginAsync } from 'fastify';
import type { ScopeContext } from '../../src/context/index.js';
import type { Offload } from './offload.js';

/** The context the handlers read scopes from, and where /reports work runs. */
export interface RoutesOptions {
  context: ScopeContext;
  offload: Offload;
}

/** `GET /orders/:id` (`?fail=1` throws in the route) and `POST /reports` (offloaded; `fail: true` throws in the task). */
export const routes: FastifyPluginAsync<RoutesOptions> = async (app, { context, offload }) => {
  /** A "data layer" step: knows nothing of the request, finds its scope in the context. */
  const step = async (message: string): Promise<void> => {
    await nextTurn();
    context.getCurrentScope().addBreadcrumb({ category: 'step', message });
  };

  app.get<{ Params: { id: string }; Querystring: { fail?: string } }>('/orders/:id', async (request) => {
    await step(`load order ${request.params.id} for ${request.id}`);
    await step(`price order ${request.params.id} for ${request.id}`);
    if (request.query.fail === '1') throw new Error(`order ${request.params.id} is corrupt`);
    return { id: request.params.id, requestId: request.id };
  });

  const reportBody = {
    type: 'object',
    properties: { steps: { type: 'integer', minimum: 1, maximum: 20, default: 3 }, fail: { type: 'boolean', default: false } },
    additionalProperties: false,
  } as const;
  app.post<{ Body: { steps: number; fail: boolean } }>('/reports', { schema: { body: reportBody } }, async (request) => {
    await step(`report requested by ${request.id}`);
    return offload({ requestId: request.id, steps: request.body.steps, fail: request.body.fail });
  });
};
