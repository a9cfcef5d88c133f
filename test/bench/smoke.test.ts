// Keeps `npm run bench` from rotting: a run with tiny counts, checking only that every case ran
// and the JSON has its shape. Timings here mean nothing and are not asserted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('runs every benchmark case and writes the results JSON', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'scope-actor-bench-')), 'results.json');
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/build.ts'], { stdio: 'pipe', timeout: 120_000 });
  execFileSync(process.execPath, ['bench/.build/run.js'], { env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out }, stdio: 'pipe', timeout: 120_000 });
  const results = JSON.parse(readFileSync(out, 'utf8'));
  expect(results.quick).toBe(true);
  expect(results.machine.cores).toBeGreaterThan(0);
  const cases = results.rows.map((r: { case: string }) => r.case.split('.')[0]);
  expect(new Set(cases)).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7', '8']));
  for (const r of results.rows) {
    expect(r.ours).toBeGreaterThan(0);
    expect(r.anchor).toBeGreaterThan(0);
    expect(Number.isFinite(r.ratio)).toBe(true);
  }
});
