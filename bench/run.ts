// `npm run bench`: every case runs ours and its anchor in this process (or its children), then
// prints a table and writes bench/results.json. BENCH_QUICK=1 runs tiny counts (a smoke run).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { inThreadCases } from './cases/in-thread.js';
import { memoryCases } from './cases/memory.js';
import { workerCases } from './cases/workers.js';
import { QUICK, type Row } from './harness.js';

const started = Date.now();
const rows: Row[] = [...(await inThreadCases()), ...memoryCases(), ...(await workerCases())];
const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` };
const results = { date: new Date().toISOString(), quick: QUICK, machine, seconds: Math.round((Date.now() - started) / 1000), rows };

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
console.log(`scope-actor bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${QUICK ? ' (QUICK: figures meaningless)' : ''}\n`);
console.log('| case | ours | anchor | unit | ratio (>1: ours better) | target | pass |');
console.log('| --- | ---: | ---: | --- | ---: | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.case} | ${fmt(r.ours)} | ${fmt(r.anchor)} | ${r.unit} | ${r.ratio.toFixed(2)} | ${r.target?.text ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'} |`);
  if (r.detail) console.log(`|  ↳ ${Object.entries(r.detail).map(([k, v]) => `${k}: ${typeof v === 'number' ? fmt(v) : v}`).join(', ')} | | | | | | |`);
}
// Compiled into bench/.build (see build.ts): the results go beside the sources.
const out = process.env.BENCH_OUT ?? new URL('../results.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${results.seconds} s; written to ${String(out)}`);
