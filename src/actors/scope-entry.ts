import {
  BreadcrumbLog,
  deepFreeze,
  emptyScopeData,
  forkData,
  ScopeDraft,
  snapshotOf,
  type Mutation,
  type PropagationContext,
  type ReduceOptions,
  type ScopeData,
  type ScopeId,
  type ScopeSnapshot,
} from '../scope/index.js';
import { GLOBAL_SCOPE_ID, type ForkMessage } from '../protocol/index.js';
import { newTrace } from './ids.js';

/** Writes a deferred entry keeps waiting before it decodes its start: a long writer must not hoard them. */
const MAX_DEFERRED_WRITES = 256;

/** A start not yet decoded: how to get it, and the writes made before anyone read. */
interface Deferred {
  readonly load: () => ScopeSnapshot;
  readonly maxBreadcrumbs: number;
  readonly writes: Array<readonly [Mutation, ReduceOptions]>;
}

/**
 * One scope as a reducer keeps it: data, version, and the snapshot cached for that version.
 * The owner keeps one per live scope; a worker's ScopeClient keeps one per scope it can reach,
 * as its read-your-writes view, reduced by the same code.
 */
export class ScopeEntry {
  closed = false;
  #draft: ScopeDraft | undefined;
  #version: number;
  #snapshot: ScopeSnapshot | undefined;
  #deferred: Deferred | undefined;

  constructor(
    readonly id: ScopeId,
    readonly isolationId: ScopeId,
    data: ScopeData | undefined,
    version = 0,
  ) {
    this.#draft = data && new ScopeDraft(data);
    this.#version = version;
  }

  /** The entry a fork message creates under `parent`: a copy of its data (of the global scope: empty). */
  static fork(parent: ScopeEntry, message: Pick<ForkMessage, 'id' | 'isolation' | 'propagationContext'>): ScopeEntry {
    const { id, isolation = false } = message;
    return new ScopeEntry(id, isolation ? id : parent.isolationId, forkedData(parent, isolation, message.propagationContext));
  }

  /** An entry holding what `snapshot` shows, to reduce further from. A cloned snapshot is frozen in place. */
  static fromSnapshot(snapshot: ScopeSnapshot, maxBreadcrumbs: number): ScopeEntry {
    return new ScopeEntry(snapshot.id, snapshot.isolationId, dataOf(snapshot, maxBreadcrumbs), snapshot.version);
  }

  /**
   * An entry whose start is loaded only when first read (a worker's view of its task's scope: a
   * task that only writes never decodes it). Writes before that wait, and are reduced in order then.
   */
  static deferred(id: ScopeId, isolationId: ScopeId, load: () => ScopeSnapshot, maxBreadcrumbs: number): ScopeEntry {
    const entry = new ScopeEntry(id, isolationId, undefined);
    entry.#deferred = { load, maxBreadcrumbs, writes: [] };
    return entry;
  }

  /** Grows by one per mutation that changed the data. */
  get version(): number {
    this.#ready();
    return this.#version;
  }

  apply(mutation: Mutation, options: ReduceOptions): void {
    const deferred = this.#deferred;
    if (deferred && deferred.writes.push([mutation, options]) < MAX_DEFERRED_WRITES) return;
    if (deferred) this.#ready();
    else if (this.#draft!.apply(mutation, options)) {
      this.#version += 1;
      this.#snapshot = undefined;
    }
  }

  /** Sealed, immutable data: what a fork copies. */
  data(): ScopeData {
    return this.#ready().seal();
  }

  /** Built on first read after a change, then the same object until the next change. */
  snapshot(): ScopeSnapshot {
    return (this.#snapshot ??= snapshotOf(this.id, this.isolationId, this.version, this.data()));
  }

  #ready(): ScopeDraft {
    const deferred = this.#deferred;
    if (deferred) {
      this.#deferred = undefined;
      const start = deferred.load();
      this.#draft = new ScopeDraft(dataOf(start, deferred.maxBreadcrumbs));
      this.#version = start.version;
      for (const [mutation, options] of deferred.writes) this.apply(mutation, options);
    }
    return this.#draft!;
  }
}

/**
 * What a fork of `parent` starts from: its data as it is now (the same sealed object, unless an
 * isolation fork gets a trace of its own), or, for a fork of the global scope, empty data.
 */
export function forkedData(parent: ScopeEntry, isolation: boolean, propagationContext?: PropagationContext): ScopeData {
  const fromGlobal = parent.id === GLOBAL_SCOPE_ID;
  const trace = isolation || fromGlobal ? (propagationContext ?? newTrace()) : undefined;
  return fromGlobal ? emptyScopeData(trace!) : forkData(parent.data(), trace);
}

/** The data a snapshot shows, to reduce further from. A cloned snapshot is frozen in place. */
function dataOf(snapshot: ScopeSnapshot, maxBreadcrumbs: number): ScopeData {
  const { id, version, isolationId, breadcrumbs, ...rest } = deepFreeze(snapshot);
  return Object.freeze({ ...rest, breadcrumbs: BreadcrumbLog.of(breadcrumbs, maxBreadcrumbs) });
}
