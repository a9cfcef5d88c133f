// Case 7, in a process of its own (run with --expose-gc): heap per live fork of a 100-breadcrumb
// scope. Prints one JSON line: { bytesPerFork }.
import { Scope } from '@sentry/core';
import { createScopeService } from '../src/index.js';

const FORKS = Number(process.argv[3] ?? 10_000);
const gc = globalThis.gc!;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const kept: unknown[] = [];
let before: number;
if (process.argv[2] === 'sentry') {
  const scope = new Scope();
  for (let i = 0; i < 100; i++) scope.addBreadcrumb({ message: `crumb ${i}`, category: 'fill' }, 100);
  for (let i = 0; i < 1_000; i++) scope.clone(); // compiled before the first reading, as ours
  before = heap();
  for (let i = 0; i < FORKS; i++) kept.push(scope.clone());
} else {
  const service = createScopeService();
  const scope = service.fork({ isolation: true });
  for (let i = 0; i < 100; i++) scope.addBreadcrumb({ message: `crumb ${i}`, category: 'fill' });
  scope.snapshot();
  for (let i = 0; i < 1_000; i++) scope.fork().close(); // the fork path compiled before the first reading
  scope.snapshot();
  before = heap();
  for (let i = 0; i < FORKS; i++) kept.push(scope.fork());
  (kept.at(-1) as { snapshot(): unknown }).snapshot(); // every fork applied: the owner holds 10,000 scopes
}
const after = heap();
console.log(JSON.stringify({ bytesPerFork: Math.round((after - before) / FORKS), kept: kept.length }));
