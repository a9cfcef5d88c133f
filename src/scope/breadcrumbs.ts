import { Segment } from './segment.js';
import type { Breadcrumb } from './types.js';

/** Crumbs per sealed chunk: a diverging append copies at most this many. */
const CHUNK = 32;

/**
 * A bounded, persistent breadcrumb log: every log value is immutable to its holders, a fork is
 * O(1) (holders share the value), and an append is amortised O(1) whatever the bound, even on
 * a log that others hold too. Crumbs live in frozen chunks of CHUNK shared by every log that
 * contains them, plus a short tail; both levels are `Segment`s, so appending where someone else
 * already appended copies at most one tail (CHUNK crumbs), never the whole log.
 */
export class BreadcrumbLog {
  static readonly empty = new BreadcrumbLog(Segment.empty(), 0, Segment.empty(), 0);

  #frozen: readonly Breadcrumb[] | undefined;

  private constructor(
    private readonly chunks: Segment<readonly Breadcrumb[]>,
    /** Crumbs already dropped from the first chunk. */
    private readonly skip: number,
    private readonly tail: Segment<Breadcrumb>,
    readonly length: number,
  ) {}

  /** A new log with `crumb` last, keeping only the newest `max` crumbs. */
  append(crumb: Breadcrumb, max: number): BreadcrumbLog {
    if (max <= 0) return BreadcrumbLog.empty;
    let { chunks, skip, tail, length } = this;
    tail = tail.push(crumb);
    length += 1;
    if (tail.length === CHUNK) {
      const sealed: Breadcrumb[] = [];
      tail.copyInto(sealed);
      chunks = chunks.push(Object.freeze(sealed));
      tail = Segment.empty();
    }
    for (; length > max; length -= 1) {
      if (chunks.length === 0) tail = tail.dropFirst();
      else if ((skip += 1) === CHUNK) {
        chunks = chunks.dropFirst();
        skip = 0;
      }
    }
    return new BreadcrumbLog(chunks, skip, tail, length);
  }

  /** The crumbs oldest first, as one frozen array shared by every holder of this log value. */
  toArray(): readonly Breadcrumb[] {
    if (this.#frozen) return this.#frozen;
    const out: Breadcrumb[] = [];
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks.at(i);
      for (let j = i === 0 ? this.skip : 0; j < chunk.length; j++) out.push(chunk[j]!);
    }
    this.tail.copyInto(out);
    return (this.#frozen = Object.freeze(out));
  }

  static of(crumbs: readonly Breadcrumb[], max: number): BreadcrumbLog {
    let log = BreadcrumbLog.empty;
    for (const crumb of crumbs) log = log.append(crumb, max);
    return log;
  }
}
