import {
  ScopeDraft,
  snapshotOf,
  type Mutation,
  type ReduceOptions,
  type ScopeData,
  type ScopeId,
  type ScopeSnapshot,
} from '../scope/index.js';

/** One scope inside the owner: its data, its version and the snapshot cached for that version. */
export class ScopeEntry {
  version = 0;
  closed = false;
  readonly #draft: ScopeDraft;
  #snapshot: ScopeSnapshot | undefined;

  constructor(
    readonly id: ScopeId,
    readonly isolationId: ScopeId,
    data: ScopeData,
  ) {
    this.#draft = new ScopeDraft(data);
  }

  apply(mutation: Mutation, options: ReduceOptions): void {
    if (this.#draft.apply(mutation, options)) {
      this.version += 1;
      this.#snapshot = undefined;
    }
  }

  /** Sealed, immutable data: what a fork copies. */
  data(): ScopeData {
    return this.#draft.seal();
  }

  /** Built on first read after a change, then the same object until the next change. */
  snapshot(): ScopeSnapshot {
    return (this.#snapshot ??= snapshotOf(this.id, this.isolationId, this.version, this.#draft.seal()));
  }
}
