// Cases 4, 5 and 6: worker threads talking to the owner, against bare piscina and MessagePorts.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { createScopeService } from '../../src/index.js';
import { ScopedPool } from '../../src/pool/index.js';
import { median, QUICK, row, type Row } from '../harness.js';

const SCOPED = new URL('../workers/scoped.mjs', import.meta.url).href;
const RAW = new URL('../workers/raw.mjs', import.meta.url).href;
const PACE = 20_000;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;

export async function workerCases(): Promise<Row[]> {
  const rows: Row[] = [];
  const count = QUICK ? 2_000 : 200_000;
  const rounds = QUICK ? 1 : 3;
  const service = createScopeService({ maxBreadcrumbs: 100 });
  const pool = new ScopedPool({ service, filename: SCOPED, minThreads: 2, maxThreads: 2 });
  const raw = new Piscina({ filename: RAW, minThreads: 2, maxThreads: 2 });
  const scopes = [service.fork({ isolation: true }), service.fork({ isolation: true })];
  await Promise.all(scopes.map((scope) => pool.run({ count: 1_000, pace: PACE }, { scope, fork: false, name: 'send' })));

  // 4. Worker → owner messages per second, from 1 and 2 workers.
  for (const workers of [1, 2]) {
    const ours = await median(rounds, async () => {
      const started = performance.now();
      await Promise.all(scopes.slice(0, workers).map((scope) => pool.run({ count, pace: PACE }, { scope, fork: false, name: 'send' })));
      return (workers * count) / ((performance.now() - started) / 1000);
    });
    const anchors: Record<string, number> = {};
    for (const batch of [1, 100]) {
      anchors[batch] = await median(rounds, async () => {
        const started = performance.now();
        await Promise.all(Array.from({ length: workers }, () => rawSend(raw, count, batch)));
        return (workers * count) / ((performance.now() - started) / 1000);
      });
    }
    rows.push(row(`4. worker → owner, ${workers} worker(s), vs raw MessagePort ×100`, ours, anchors[100]!, 'msgs/s', undefined, { 'raw single msgs/s': Math.round(anchors[1]!), 'target ours msgs/s': 5_000_000, pass: ours >= 5_000_000 ? 'yes' : 'no' }));
  }

  // 5. refresh() round trip against a raw ping-pong.
  const trips = QUICK ? 50 : 3_000;
  const ours = (await pool.run({ count: trips }, { scope: scopes[0], fork: false, name: 'refresh' })) as number[];
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (n) => port1.postMessage(n));
  const anchor = (await raw.run({ port: port2, count: trips }, { name: 'pingPong', transferList: [port2] })) as number[];
  port1.close();
  rows.push(row('5. refresh() round trip vs raw MessagePort ping-pong', percentile(ours, 0.5), percentile(anchor, 0.5), 'µs p50', { ratio: 1 / 1.3, text: '≥ 0.77 (p50 within 1.3×)' }, { 'ours p99 µs': +percentile(ours, 0.99).toFixed(1), 'raw p99 µs': +percentile(anchor, 0.99).toFixed(1) }));

  // 6. ScopedPool.run against Piscina.run on a no-op task, 32 in flight.
  const tasks = QUICK ? 100 : 5_000;
  const rate = async (run: () => Promise<unknown>) =>
    median(rounds, async () => {
      const started = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next++ < tasks) await run();
      }));
      return tasks / ((performance.now() - started) / 1000);
    });
  const oursRate = await rate(() => pool.run(null, { scope: scopes[0], name: 'noop' }));
  const rawRate = await rate(() => raw.run(null, { name: 'noop' }));
  const oursWork = await rate(() => pool.run(null, { scope: scopes[0], name: 'work' }));
  const rawWork = await rate(() => raw.run(null, { name: 'work' }));
  rows.push(row('6. ScopedPool.run vs Piscina.run, no-op task', oursRate, rawRate, 'tasks/s', { ratio: 0.85, text: '≥ 0.85 (≤ 15 % loss)' }, { 'with ~1 ms of work: ours tasks/s': Math.round(oursWork), 'raw tasks/s': Math.round(rawWork), 'ratio': +(oursWork / rawWork).toFixed(2) }));

  await pool.destroy();
  await raw.destroy();
  await service.close();
  return rows;
}

/** One raw sender: the main thread counts and acknowledges, as the owner does for ours. */
async function rawSend(raw: Piscina, count: number, batch: number): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  port1.on('message', (message: unknown) => {
    if (message === 'sync' || message === 'done') port1.postMessage('ok');
    else received += Array.isArray(message) ? message.length : 1;
  });
  await raw.run({ port: port2, count, batch }, { name: 'send', transferList: [port2] });
  port1.close();
  if (received < count) throw new Error(`raw sender lost messages: ${received} of ${count}`);
}
