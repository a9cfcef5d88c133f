// `npm run demo`: the sentry-python #5465 race, safe by construction. Four worker threads: two
// append breadcrumbs to ONE shared scope while two fork that same scope in a loop and write to
// the children. In Sentry's mutable scopes this interleaving crashes or corrupts; here every
// mutation and fork is a message the owner applies one at a time.
import { createScopeService } from '../../src/index.js';
import { ScopedPool } from '../../src/pool/index.js';

export interface RaceReport {
  threads: number;
  appended: number;
  forks: number;
  applied: number;
  errors: number;
  /** Booting the threads and loading the task file, before the clock starts. */
  startupMs: number;
  wallMs: number;
  messagesPerSecond: number;
  crumbsInSharedScope: number;
  sendersInOrder: boolean;
  leakedFromChildren: number;
  scopesLeft: number;
}

export async function runRace({ perSender = 20_000, threads = 4 } = {}): Promise<RaceReport> {
  const service = createScopeService({ maxBreadcrumbs: 2 * perSender });
  const pool = new ScopedPool({ service, filename: new URL('./race-tasks.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
  const shared = service.fork({ isolation: true });
  const baseline = service.stats();
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let errors = 0;
  const count = (p: Promise<unknown>) => p.catch(() => void (errors += 1));

  const booting = performance.now();
  const arrived = new Int32Array(new SharedArrayBuffer(4));
  await Promise.all(Array.from({ length: threads }, () => pool.run({ arrived, threads }, { scope: shared, fork: false, name: 'warm' })));
  const started = performance.now();
  const appenders = ['m1', 'm2'].map((sender) => count(pool.run({ sender, count: perSender }, { scope: shared, fork: false, name: 'append' })));
  const forkers = ['f1', 'f2'].map((sender) => pool.run({ sender, stop }, { scope: shared, fork: false, name: 'forkLoop' }).catch(() => void (errors += 1)));
  await Promise.all(appenders);
  Atomics.store(stop, 0, 1);
  const forks = (await Promise.all(forkers)).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
  const wallMs = performance.now() - started;

  const snap = shared.snapshot();
  const inOrder = (sender: string) => snap.breadcrumbs.filter((c) => c.category === sender).every((c, i) => c.message === String(i));
  const ofSender = (sender: string) => snap.breadcrumbs.filter((c) => c.category === sender).length;
  shared.close();
  await new Promise((resolve) => setImmediate(resolve)); // the mailbox drains at the end of the turn
  const applied = service.stats().applied - baseline.applied;
  const report: RaceReport = {
    threads,
    appended: ofSender('m1') + ofSender('m2'),
    forks,
    applied,
    errors,
    startupMs: started - booting,
    wallMs,
    messagesPerSecond: Math.round(applied / (wallMs / 1000)),
    crumbsInSharedScope: snap.breadcrumbs.length,
    sendersInOrder: ofSender('m1') === perSender && ofSender('m2') === perSender && inOrder('m1') && inOrder('m2'),
    leakedFromChildren: snap.breadcrumbs.filter((c) => c.category?.endsWith('-child')).length + ('child' in snap.tags ? 1 : 0),
    scopesLeft: service.stats().scopes - 1,
  };
  await pool.destroy();
  await service.close();
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runRace();
  console.log(`scope-actor race demo (sentry-python #5465, safe by construction)
  worker threads          ${r.threads} (2 appending to one shared scope, 2 forking it in a loop)
  breadcrumbs appended    ${r.appended} (in the shared scope: ${r.crumbsInSharedScope}, each sender complete and in order: ${r.sendersInOrder ? 'yes' : 'NO'})
  forks made and closed   ${r.forks}
  messages applied        ${r.applied}
  errors                  ${r.errors}
  leaked from children    ${r.leakedFromChildren}
  scopes left open        ${r.scopesLeft}
  wall time               ${r.wallMs.toFixed(0)} ms (after ${r.startupMs.toFixed(0)} ms starting the threads)
  messages/s              ${r.messagesPerSecond.toLocaleString('en-US')}`);
  if (r.errors || !r.sendersInOrder || r.leakedFromChildren || r.scopesLeft) process.exitCode = 1;
}
