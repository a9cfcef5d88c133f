import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** `SOAK=1` runs the long form: 1,000,000 cycles. */
const CYCLES = process.env.SOAK ? 1_000_000 : 50_000;
const FIXTURE = fileURLToPath(new URL('../fixtures/soak.mjs', import.meta.url));
const MB = 1024 * 1024;

interface SoakReport { cycles: number; ms: number; scopesBefore: number; scopesAfter: number; heapBefore: number; heapAfter: number; samples: number[]; received: number; applied: number; rejected: number }

describe('soak (in-thread owner, measured in a child process with --expose-gc)', () => {
  it(`returns to the baseline after ${CYCLES.toLocaleString('en')} fork/close cycles: scopes and heap`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', FIXTURE], {
      env: { ...process.env, CYCLES: String(CYCLES) },
      timeout: 600_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as SoakReport;
    expect(report.cycles).toBe(CYCLES);
    expect(report.scopesAfter).toBe(report.scopesBefore);
    // Four messages per cycle (fork, tag, crumb, close), none refused.
    expect(report.rejected).toBe(0);
    expect(report.applied).toBe(report.received);
    // Flat: after GC the heap is where it started (allowing for JIT code and allocator noise),
    // and the checkpoints along the way do not climb.
    expect(report.heapAfter - report.heapBefore).toBeLessThan(2 * MB);
    expect(Math.max(...report.samples) - Math.min(...report.samples)).toBeLessThan(2 * MB);
    const mb = (bytes: number) => (bytes / MB).toFixed(2);
    console.info(
      `soak: ${report.cycles} cycles in ${report.ms} ms; scopes ${report.scopesBefore} -> ${report.scopesAfter}; ` +
        `heap after GC ${mb(report.heapBefore)} MB -> ${mb(report.heapAfter)} MB; checkpoints ${report.samples.map(mb).join(', ')} MB`,
    );
  });
});
