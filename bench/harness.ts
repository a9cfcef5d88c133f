// Shared pieces of `npm run bench`: timing helpers and the shape of a result row.
import { Bench } from 'tinybench';

export const QUICK = process.env.BENCH_QUICK === '1';

export interface Row {
  case: string;
  /** What is compared: ours against the anchor, in the unit given. */
  ours: number;
  anchor: number;
  unit: 'ns/op' | 'msgs/s' | 'tasks/s' | 'µs p50' | 'bytes/fork';
  /** anchor/ours for costs, ours/anchor for rates: above 1 means ours is better. */
  ratio: number;
  target?: { ratio: number; text: string };
  pass?: boolean;
  detail?: Record<string, number | string>;
}

export function row(name: string, ours: number, anchor: number, unit: Row['unit'], target?: Row['target'], detail?: Row['detail']): Row {
  const higherIsBetter = unit === 'msgs/s' || unit === 'tasks/s';
  const ratio = higherIsBetter ? ours / anchor : anchor / ours;
  return { case: name, ours, anchor, unit, ratio, target, pass: target ? ratio >= target.ratio : undefined, detail };
}

/**
 * ns per operation of each function, measured by tinybench over `batch` operations per sample
 * (a single call of ~100 ns is below what a timer read can resolve), median of the samples.
 */
export async function nsPerOp(fns: Record<string, () => void>, batch: number, time = 700): Promise<Record<string, number>> {
  const bench = new Bench({ time: QUICK ? 20 : time, warmupTime: QUICK ? 5 : time / 3, iterations: QUICK ? 5 : 50 });
  for (const [name, fn] of Object.entries(fns)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, number> = {};
  for (const task of bench.tasks) {
    const result = task.result as { latency?: { p50: number } };
    out[task.name] = ((result.latency?.p50 ?? Number.NaN) * 1e6) / batch;
  }
  return out;
}

/** Runs `measure` `rounds` times and keeps the median, for wall-clock cases. */
export async function median(rounds: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < rounds; i++) values.push(await measure());
  return middle(values);
}

/** What `pairedRounds` measured: per name, the median ns/op; per pair, the median of the rounds' ratios. */
export interface Rounds {
  ns(name: string): number;
  /** The median over rounds of `anchor / ours` (above 1: ours cheaper). */
  ratio(ours: string, anchor: string): number;
}

/**
 * ns per operation in `rounds` rounds of `nsPerOp`, every function once per round, back to back:
 * on a shared machine a case and its anchor timed a second apart can land in different speeds
 * (Sentry's addBreadcrumb read 250 ns in one run and 850 in the next), so each ratio is taken
 * within a round, and the median of those is reported.
 */
export async function pairedRounds(fns: Record<string, () => void>, batch: number, rounds = QUICK ? 1 : 5): Promise<Rounds> {
  const results: Array<Record<string, number>> = [];
  for (let r = 0; r < rounds; r++) results.push(await nsPerOp(fns, batch, 300));
  return {
    ns: (name) => middle(results.map((round) => round[name]!)),
    ratio: (ours, anchor) => middle(results.map((round) => round[anchor]! / round[ours]!)),
  };
}

/** A row whose ratio is the median of paired rounds' ratios (see `pairedRounds`). */
export function pairedRow(name: string, rounds: Rounds, ours: string, anchor: string, target?: Row['target'], anchorScale = 1): Row {
  const ratio = rounds.ratio(ours, anchor) * anchorScale;
  return { case: name, ours: rounds.ns(ours), anchor: rounds.ns(anchor) * anchorScale, unit: 'ns/op', ratio, target, pass: target ? ratio >= target.ratio : undefined };
}

/**
 * Runs both sides of round `round` back to back, ours first in even rounds and the anchor first
 * in odd ones: the second of a pair ran ~2 % slower here, whichever it was.
 */
export async function inTurns<T>(round: number, ours: () => Promise<T>, anchor: () => Promise<T>): Promise<[ours: T, anchor: T]> {
  if (round % 2 === 0) {
    const first = await ours();
    return [first, await anchor()];
  }
  const first = await anchor();
  return [await ours(), first];
}

/** The median of `values` (the upper one of an even count). */
export function middle(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
