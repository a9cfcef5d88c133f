// The seam between the /reports route and where its work runs.
import type { ScopeService } from '../../src/index.js';
import type { ScopeContext } from '../../src/context/index.js';
import { ScopedPool } from '../../src/pool/index.js';
import { buildReport, type ReportJob, type ReportResult } from './report-task.js';

/** Runs a report job somewhere, writing to the current request's scope. */
export type Offload = (job: ReportJob) => Promise<ReportResult>;

/**
 * Runs the job in this thread against the current scope itself (not a fork), so the task's
 * breadcrumbs join the request's and reach the event the error handler captures. A pool-backed
 * offload does the same with `pool.run(job, { scope: context.getCurrentScope(), fork: false })`.
 */
export function inThreadOffload(context: ScopeContext): Offload {
  return (job) => buildReport(job, context.getCurrentScope());
}

/**
 * Runs the job in a pool worker. The pool was made with the request context, so `run()` takes
 * the current request's scope; `fork: false` lends the scope itself to the task, so its
 * breadcrumbs join the request's as the in-thread offload's do. `run()` settles only after the
 * owner applied every breadcrumb the task sent, so an error handler capturing right after sees them.
 */
export function poolOffload(pool: ScopedPool<ReportJob, ReportResult>): Offload {
  return (job) => pool.run(job, { fork: false });
}

/** A pool for the report work, with the request context, running `report-worker`. */
export function reportPool(service: ScopeService, context: ScopeContext, options: { maxThreads?: number } = {}): ScopedPool<ReportJob, ReportResult> {
  return new ScopedPool<ReportJob, ReportResult>({ service, context, filename: new URL('./report-worker.mjs', import.meta.url).href, ...options });
}
