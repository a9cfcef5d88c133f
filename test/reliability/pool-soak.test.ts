import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/** `SOAK=1` runs the long form: 100,000 tasks. */
const TASKS = process.env.SOAK ? 100_000 : 2_000;
const FIXTURE = fileURLToPath(new URL('../fixtures/pool-soak.mjs', import.meta.url));
const MB = 1024 * 1024;

it(`returns to the baseline after ${TASKS.toLocaleString('en')} pool tasks: scopes and heap`, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', FIXTURE], { env: { ...process.env, TASKS: String(TASKS) }, timeout: 1_800_000 });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { tasks: number; ms: number; scopesBefore: number; scopesAfter: number; heapBefore: number; heapAfter: number; rejected: number };
  expect(report.scopesAfter).toBe(report.scopesBefore);
  expect(report.rejected).toBe(0);
  expect(report.heapAfter - report.heapBefore).toBeLessThan(4 * MB);
  console.info(`[reliability] pool soak: ${report.tasks} tasks in ${report.ms} ms; scopes ${report.scopesBefore} -> ${report.scopesAfter}; heap after GC ${(report.heapBefore / MB).toFixed(2)} -> ${(report.heapAfter / MB).toFixed(2)} MB`);
});
