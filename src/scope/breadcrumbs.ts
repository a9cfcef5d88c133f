import type { Breadcrumb } from './types.js';

/**
 * A bounded, persistent breadcrumb log.
 *
 * Every log value is immutable to its holders, yet appends are amortised O(1) and a fork is O(1):
 * logs share one backing array and own the range `[start, end)` of it. The log whose `end` is the
 * array's length owns the frontier and appends in place; any other log that appends first copies
 * its own window (at most `max` items) so no holder ever sees another's crumbs. Dropped crumbs
 * stay in the array until the window has moved `max` past them, then the window is compacted,
 * which costs `max` copies every `max` appends.
 */
export class BreadcrumbLog {
  static readonly empty = new BreadcrumbLog([], 0, 0);

  #frozen: readonly Breadcrumb[] | undefined;

  private constructor(
    private readonly buf: Breadcrumb[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  get length(): number {
    return this.end - this.start;
  }

  /** A new log with `crumb` last, keeping only the newest `max` crumbs. */
  append(crumb: Breadcrumb, max: number): BreadcrumbLog {
    if (max <= 0) return BreadcrumbLog.empty;
    let { buf, start, end } = this;
    if (buf.length !== end) {
      buf = buf.slice(start, end);
      end -= start;
      start = 0;
    }
    buf.push(crumb);
    end += 1;
    if (end - start > max) start = end - max;
    if (start >= max) {
      buf = buf.slice(start, end);
      end -= start;
      start = 0;
    }
    return new BreadcrumbLog(buf, start, end);
  }

  /** The crumbs oldest first, as one frozen array shared by every holder of this log value. */
  toArray(): readonly Breadcrumb[] {
    return (this.#frozen ??= Object.freeze(this.buf.slice(this.start, this.end)));
  }

  static of(crumbs: readonly Breadcrumb[], max: number): BreadcrumbLog {
    let log = BreadcrumbLog.empty;
    for (const crumb of crumbs) log = log.append(crumb, max);
    return log;
  }
}
