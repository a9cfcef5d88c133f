// Case 7: heap per live fork, measured in child processes with --expose-gc.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICK, row, type Row } from '../harness.js';

// Compiled beside this file by bench/build.ts.
const CHILD = fileURLToPath(new URL('./memory-child.js', import.meta.url));

function bytesPerFork(kind: 'ours' | 'sentry', forks: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, kind, String(forks)], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { bytesPerFork: number }).bytesPerFork;
}

export function memoryCases(): Row[] {
  // Not fewer even in a quick run: below a few thousand forks, heap noise (code compiled or freed
  // between the two readings) can outweigh what the forks hold, and the figure can come out negative.
  const forks = QUICK ? 5_000 : 10_000;
  return [row(`7. heap per live fork of a 100-crumb scope (${forks.toLocaleString('en-US')} forks) vs clone()`, bytesPerFork('ours', forks), bytesPerFork('sentry', forks), 'bytes/fork')];
}
