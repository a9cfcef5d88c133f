// The work the /reports route offloads. It only talks to the scope handle it is given, so the
// same function runs in-thread (ScopeRef) or in a pool worker (ScopeClient, via scopedTask).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ScopeHandle } from '../../src/index.js';

export interface ReportJob {
  /** The request the report is for; named in every breadcrumb so a misplaced one is obvious. */
  requestId: string;
  steps: number;
  /** Throw at the last step. */
  fail: boolean;
}

export interface ReportResult {
  requestId: string;
  rows: number;
}

/** Builds a report in `steps` steps, one breadcrumb each. @throws Error at the last step when `job.fail`. */
export async function buildReport(job: ReportJob, scope: ScopeHandle): Promise<ReportResult> {
  let rows = 0;
  for (let step = 1; step <= job.steps; step++) {
    await nextTurn();
    scope.addBreadcrumb({ category: 'task', message: `report ${job.requestId} step ${step}` });
    if (job.fail && step === job.steps) throw new Error(`report ${job.requestId} failed at step ${step}`);
    rows += step;
  }
  return { requestId: job.requestId, rows };
}
