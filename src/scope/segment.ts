/**
 * An immutable window `[start, end)` of a growable array that many windows share. The window
 * whose end is the array's end owns the frontier and pushes in place (O(1)); any other window
 * that pushes copies itself first, so no holder ever sees another's items. Dropping from the
 * front moves `start`; the array is compacted once the dead prefix outgrows the live part.
 */
export class Segment<T> {
  static empty<T>(): Segment<T> {
    return new Segment<T>([], 0, 0);
  }

  /** A window over all of `items`, which it takes over: the caller must not keep the array. */
  static of<T>(items: T[]): Segment<T> {
    return new Segment<T>(items, 0, items.length);
  }

  private constructor(
    private readonly buf: T[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  get length(): number {
    return this.end - this.start;
  }

  at(index: number): T {
    return this.buf[this.start + index]!;
  }

  push(item: T): Segment<T> {
    let { buf, start, end } = this;
    if (buf.length !== end) {
      buf = buf.slice(start, end);
      end -= start;
      start = 0;
    }
    buf.push(item);
    return new Segment(buf, start, end + 1);
  }

  dropFirst(): Segment<T> {
    const start = this.start + 1;
    const live = this.end - start;
    if (start >= 32 && start > live) return new Segment(this.buf.slice(start, this.end), 0, live);
    return new Segment(this.buf, start, this.end);
  }

  /** Appends the window's items to `out`, from the `from`-th on. */
  copyInto(out: T[], from = 0): void {
    for (let i = this.start + from; i < this.end; i++) out.push(this.buf[i]!);
  }
}
