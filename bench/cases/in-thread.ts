// Cases 1, 2, 3 and 8: the owner in this thread against @sentry/core's mutable Scope.
import { applyScopeDataToEvent as sentryApply, getGlobalScope, mergeScopeData as sentryMerge, Scope } from '@sentry/core';
import { createScopeService } from '../../src/index.js';
import { nsPerOp, pairedRounds, pairedRow, QUICK, row, type Row } from '../harness.js';

const BATCH = 1_000;
/** Where results go, so the JIT cannot drop a call whose result nobody reads. */
export let sink: unknown;

function filled(max: number) {
  const service = createScopeService({ maxBreadcrumbs: max });
  const ours = service.fork({ isolation: true }).setTags({ a: '1', b: '2' });
  const sentry = new Scope();
  sentry.setTags({ a: '1', b: '2' });
  for (let i = 0; i < max; i++) {
    ours.addBreadcrumb({ message: `crumb ${i}`, category: 'fill' });
    sentry.addBreadcrumb({ message: `crumb ${i}`, category: 'fill' }, max);
  }
  ours.snapshot();
  return { service, ours, sentry };
}

/** A batch of fork + close, then a read, so the owner has applied them. */
function forkClose(scope: ReturnType<typeof filled>['ours']): void {
  for (let i = 0; i < BATCH; i++) scope.fork().close();
  scope.snapshot();
}

export async function inThreadCases(): Promise<Row[]> {
  const rows: Row[] = [];
  const { ours, sentry } = filled(100);

  // 1. Writes, then one read so the owner has applied them (the read flushes the mailbox).
  const writes = await pairedRounds(
    {
      'ours setTag': () => {
        for (let i = 0; i < BATCH; i++) ours.setTag('k', i & 7);
        sink = ours.snapshot();
      },
      'sentry setTag': () => {
        for (let i = 0; i < BATCH; i++) sentry.setTag('k', i & 7);
        sink = sentry.getScopeData();
      },
      'ours addBreadcrumb': () => {
        for (let i = 0; i < BATCH; i++) ours.addBreadcrumb({ message: 'step', category: 'bench' });
        sink = ours.snapshot();
      },
      'sentry addBreadcrumb': () => {
        for (let i = 0; i < BATCH; i++) sentry.addBreadcrumb({ message: 'step', category: 'bench' }, 100);
        sink = sentry.getScopeData();
      },
    },
    BATCH,
  );
  rows.push(pairedRow('1. setTag through the owner', writes, 'ours setTag', 'sentry setTag', { ratio: 1, text: '≥ 1' }));
  rows.push(pairedRow('1. addBreadcrumb (max 100)', writes, 'ours addBreadcrumb', 'sentry addBreadcrumb', { ratio: 1, text: '≥ 1' }));

  // 2. Fork + close against clone(), at 100 and 10,000 breadcrumbs.
  const big = filled(10_000);
  const forks = await pairedRounds(
    {
      'ours 100': () => forkClose(ours),
      'sentry 100': () => {
        for (let i = 0; i < BATCH; i++) sink = sentry.clone();
      },
      'ours 10k': () => forkClose(big.ours),
      'sentry 10k': () => {
        for (let i = 0; i < BATCH / 10; i++) sink = big.sentry.clone();
      },
    },
    BATCH,
  );
  // The 10k anchor ran a tenth of the batch (clone() of 10,000 is slow): its figure counts ×10.
  rows.push(pairedRow('2. fork + close vs clone(), 100 crumbs', forks, 'ours 100', 'sentry 100', { ratio: 2, text: '≥ 2' }));
  rows.push(pairedRow('2. fork + close vs clone(), 10,000 crumbs', forks, 'ours 10k', 'sentry 10k', { ratio: 10, text: '≥ 10' }, 10));
  // Flatness in rounds of its own: the garbage of clone() at 10,000 otherwise falls on whichever of ours runs next.
  const flat = await pairedRounds({ 'ours 100': () => forkClose(ours), 'ours 10k': () => forkClose(big.ours) }, BATCH);
  rows.push(pairedRow('2. fork + close flat: ours at 100 / ours at 10,000', flat, 'ours 10k', 'ours 100', { ratio: 1 / 1.3, text: '≥ 0.77 (10k within 1.3× of 100)' }));

  // 3. Reads: an unchanged scope, and right after one change.
  const reads = await pairedRounds(
    {
      'ours unchanged': () => {
        for (let i = 0; i < BATCH; i++) sink = ours.snapshot();
      },
      'sentry unchanged': () => {
        for (let i = 0; i < BATCH; i++) sink = sentry.getScopeData();
      },
      'ours changed': () => {
        for (let i = 0; i < BATCH; i++) sink = ours.setTag('k', i).snapshot();
      },
      'sentry changed': () => {
        for (let i = 0; i < BATCH; i++) sink = sentry.setTag('k', i).getScopeData();
      },
    },
    BATCH,
  );
  rows.push(pairedRow('3. snapshot() of an unchanged scope vs getScopeData()', reads, 'ours unchanged', 'sentry unchanged', { ratio: 0.5, text: '≥ 0.5 (within 2×)' }));
  rows.push(pairedRow('3. setTag + snapshot() vs setTag + getScopeData()', reads, 'ours changed', 'sentry changed'));

  // 8. Capture end to end (to an in-memory sink) against Sentry's merge of the same data.
  const events: unknown[] = [];
  const capture = createScopeService({ onEvent: (event) => void events.push(event) });
  const scope = capture.fork({ isolation: true }).setTags({ a: '1' }).setUser({ id: 1 });
  for (let i = 0; i < 100; i++) scope.addBreadcrumb({ message: `crumb ${i}` });
  const error = new Error('bench');
  const n = QUICK ? 50 : 2_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await scope.captureException(error);
  const oursCapture = ((performance.now() - started) * 1e6) / n;
  const sentryCapture = await nsPerOp(
    {
      merge: () => {
        for (let i = 0; i < 100; i++) {
          const data = getGlobalScope().getScopeData();
          sentryMerge(data, sentry.getScopeData());
          const event = { exception: { values: [{ type: 'Error', value: 'bench' }] } };
          sentryApply(event, data);
          sink = event;
        }
      },
    },
    100,
  );
  rows.push(row('8. captureException end to end vs Sentry merge only', oursCapture, sentryCapture.merge!, 'ns/op'));
  events.length = 0;
  await capture.close();
  return rows;
}
