import type { MessagePort } from 'node:worker_threads';
import { snapshotOf, type ScopeId } from '../scope/index.js';
import { encodeSnapshot, PROTOCOL_VERSION, type EncodedSnapshot, type PortInit } from '../protocol/index.js';
import { secretId } from './ids.js';
import { PortBridge, type SessionLookup } from './port-bridge.js';
import { forkedData, type ScopeEntry } from './scope-entry.js';
import type { ScopeRef } from './scope-ref.js';
import { Session, type DeliveryTarget } from './session.js';

/** Batches a remote handle may have in flight unacknowledged: enough to keep both threads busy. */
const PORT_WINDOW = 16;

/** What the remotes need of the service: its delivery path for their sessions, and its table. */
export interface RemoteHost extends DeliveryTarget {
  entry(id: ScopeId): ScopeEntry | undefined;
  allocateId(): ScopeId;
}

/**
 * The service's side of its remote handles (worker ScopeClients): the sessions it opens for them,
 * each with what it may reach and what it was told, and the ports that carry them, all released
 * when the service closes.
 */
export class Remotes {
  readonly #bridges = new Set<PortBridge>();
  #nextConnection = 0;

  constructor(
    private readonly host: RemoteHost,
    private readonly limits: { readonly maxBreadcrumbs: number; readonly mailboxLimit: number },
  ) {}

  /**
   * Opens a connection to `scope`, or (`fork`) to a fork of it: the owner's session, holding the
   * `init` the remote must be told. The fork's data is taken now, from `scope` as every write queued
   * so far left it, but the owner's table gets the fork only when the remote first sends something
   * (see `Session`). A `shared` session travels over a thread's link, so its init names it.
   * @throws ScopeError SCOPE_CLOSED or SERVICE_CLOSED.
   */
  session(scope: ScopeRef, fork: boolean, shared: boolean): Session {
    const current = scope.snapshot();
    const secret = shared ? secretId() : undefined;
    if (!fork) return new Session(this.host, this.#init(encodeSnapshot(current), true, `w${(this.#nextConnection += 1)}`, secret), current);
    const parent = this.host.entry(scope.id)!;
    const data = forkedData(parent, false);
    const { isolationId } = parent;
    const id = this.host.allocateId();
    // A fork that holds its parent's data as it is (any but the global scope's, which start empty)
    // is encoded from the parent's snapshot under its own identity: it builds no snapshot of its own.
    const start = data === parent.data() ? current : snapshotOf(id, isolationId, 0, data);
    // The fork's own id, unique for good, names the remote's forks too, at any depth: `s7.1`, `s7.2`, ….
    return new Session(this.host, this.#init(encodeSnapshot(start, id, 0, isolationId), false, id, secret), data);
  }

  /** What the remote is told. */
  #init(snapshot: EncodedSnapshot, lent: boolean, prefix: string, session: string | undefined): PortInit {
    const { maxBreadcrumbs, mailboxLimit } = this.limits;
    return { v: PROTOCOL_VERSION, type: 'init', scope: snapshot.id, snapshot, lent, prefix, maxBreadcrumbs, mailboxLimit, window: PORT_WINDOW, session };
  }

  /** Serves a port whose messages name sessions found by `lookup`, until it closes or `release()`. */
  link(port: MessagePort, lookup: SessionLookup, posted?: Int32Array): PortBridge {
    const bridge = new PortBridge(port, lookup, (released) => this.#bridges.delete(released), posted);
    this.#bridges.add(bridge);
    return bridge;
  }

  /** Releases every port (taking what each holds first) and the sessions they carry. */
  release(): void {
    for (const bridge of [...this.#bridges]) bridge.release();
  }
}
