import { Segment } from './segment.js';
import type { Breadcrumb } from './types.js';

/** Crumbs per sealed chunk: a diverging append copies at most this many. */
const CHUNK = 32;

/**
 * Makes a crumb the log took as it was given fit to hand out: frozen, and without symbol-keyed
 * properties (a handle's spread copies them, unchecked; structured clone would drop them).
 * Run once per crumb, when it is first handed out, as most are dropped unread.
 */
export function sealCrumb(crumb: Breadcrumb): Breadcrumb {
  if (Object.isFrozen(crumb)) return crumb;
  for (const symbol of Object.getOwnPropertySymbols(crumb)) delete (crumb as unknown as Record<symbol, unknown>)[symbol];
  return Object.freeze(crumb);
}

/** Sealed crumbs, CHUNK of them, shared by every log that holds them. */
class Chunk {
  /** Whether its crumbs were sealed (`sealCrumb`): done when a log first hands them out. */
  frozen = false;

  constructor(readonly crumbs: readonly Breadcrumb[]) {}
}

/**
 * A bounded, persistent breadcrumb log: every log value is immutable to its holders, a fork is
 * O(1) (holders share the value), and an append is amortised O(1) whatever the bound, even on
 * a log that others hold too. Crumbs live in chunks of CHUNK shared by every log that contains
 * them, plus a short tail; both levels are `Segment`s, so appending where someone else already
 * appended copies at most one tail (CHUNK crumbs), never the whole log. A crumb appended is the
 * log's from then on (the validator hands over one of its own): it is frozen when `toArray` first
 * hands it out, not when it is appended, as most are dropped unread and freezing a crumb costs
 * more than appending it.
 */
export class BreadcrumbLog {
  static readonly empty = new BreadcrumbLog(Segment.empty(), 0, Segment.empty(), 0, 0);

  #frozen: readonly Breadcrumb[] | undefined;

  private constructor(
    private readonly chunks: Segment<Chunk>,
    /** Crumbs already dropped from the first chunk. */
    private readonly skip: number,
    private readonly tail: Segment<Breadcrumb>,
    readonly length: number,
    /** How many crumbs at the start of the tail are known to be frozen. */
    private frozenTail: number,
  ) {}

  /** A new log with `crumb` last, keeping only the newest `max` crumbs. */
  append(crumb: Breadcrumb, max: number): BreadcrumbLog {
    if (max <= 0) return BreadcrumbLog.empty;
    let { chunks, skip, tail, length, frozenTail } = this;
    tail = tail.push(crumb);
    length += 1;
    if (tail.length === CHUNK) {
      const sealed: Breadcrumb[] = [];
      tail.copyInto(sealed);
      const chunk = new Chunk(Object.freeze(sealed));
      chunk.frozen = frozenTail === CHUNK;
      chunks = chunks.push(chunk);
      tail = Segment.empty();
      frozenTail = 0;
    }
    for (; length > max; length -= 1) {
      if (chunks.length === 0) {
        tail = tail.dropFirst();
        frozenTail = Math.max(0, frozenTail - 1);
      } else if ((skip += 1) === CHUNK) {
        chunks = chunks.dropFirst();
        skip = 0;
      }
    }
    return new BreadcrumbLog(chunks, skip, tail, length, frozenTail);
  }

  /**
   * A new log with `crumbs` last, as `append` of each in turn would give. When they alone fill the
   * bound, the log is built from the newest `max` of them at once: nothing older survives.
   */
  appendAll(crumbs: readonly Breadcrumb[], max: number): BreadcrumbLog {
    if (max <= 0) return BreadcrumbLog.empty;
    if (crumbs.length < max) {
      let log: BreadcrumbLog = this;
      for (const crumb of crumbs) log = log.append(crumb, max);
      return log;
    }
    const chunks: Chunk[] = [];
    let start = crumbs.length - max;
    for (; start + CHUNK <= crumbs.length; start += CHUNK) chunks.push(new Chunk(Object.freeze(crumbs.slice(start, start + CHUNK))));
    return new BreadcrumbLog(Segment.of(chunks), 0, Segment.of(crumbs.slice(start)), max, 0);
  }

  /** The crumbs oldest first, as one frozen array of frozen crumbs shared by every holder of this log value. */
  toArray(): readonly Breadcrumb[] {
    if (this.#frozen) return this.#frozen;
    const out: Breadcrumb[] = [];
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks.at(i);
      if (!chunk.frozen) {
        for (const crumb of chunk.crumbs) sealCrumb(crumb);
        chunk.frozen = true;
      }
      for (let j = i === 0 ? this.skip : 0; j < chunk.crumbs.length; j++) out.push(chunk.crumbs[j]!);
    }
    const start = out.length;
    this.tail.copyInto(out);
    for (let i = start + this.frozenTail; i < out.length; i++) sealCrumb(out[i]!);
    this.frozenTail = this.tail.length;
    return (this.#frozen = Object.freeze(out));
  }

  static of(crumbs: readonly Breadcrumb[], max: number): BreadcrumbLog {
    let log = BreadcrumbLog.empty;
    for (const crumb of crumbs) log = log.append(crumb, max);
    return log;
  }
}
