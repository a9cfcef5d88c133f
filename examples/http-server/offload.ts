// The seam between the /reports route and where its work runs.
import type { ScopeContext } from '../../src/context/index.js';
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
