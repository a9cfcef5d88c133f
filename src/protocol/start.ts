import { deserialize, serialize } from 'node:v8';
import { deepFreeze, type ScopeId, type ScopeSnapshot } from '../scope/index.js';

/**
 * A snapshot as the first message of a connection carries it: the scope's identity, and its data
 * as structured-clone bytes (`node:v8` serialize). Passing bytes costs far less than cloning a
 * snapshot, which walks every breadcrumb, and a remote that never reads never decodes them.
 */
export interface EncodedSnapshot {
  readonly id: ScopeId;
  readonly version: number;
  readonly isolationId: ScopeId;
  /**
   * The data fields of a snapshot, under a blank identity (the fields above name it): in
   * immutable shared memory, or, below `SHARED_FROM` bytes, as a latin1 string of the bytes.
   */
  readonly data: Uint8Array | string;
}

/**
 * From this many bytes on, the encoding travels in a SharedArrayBuffer (a reference, whatever its
 * size); below, as a string, one flat copy, which costs a message less than passing a shared
 * buffer does. Measured with bare piscina on a no-op task: 275 bytes as a string cost 0.91× of
 * no message against 0.87× shared; about even at 1 kB; at 10 kB shared 0.86×, a string 0.78×.
 */
export const SHARED_FROM = 512;

const DATA_FIELDS = ['tags', 'extra', 'contexts', 'user', 'level', 'fingerprint', 'transactionName', 'attachments', 'propagationContext'] as const;

// Every fork of unchanged data holds the same frozen parts, so the tasks forked from one scope
// share one encoding: a pool pays for it once per change, not once per task. Keyed by the
// breadcrumb array, the largest part; a hit needs every other part to be the same object too.
const encodings = new WeakMap<readonly unknown[], { readonly of: ScopeSnapshot; readonly bytes: Uint8Array | string }>();

/**
 * `snapshot`'s data under an identity (by default its own): a fork that copied a scope's data
 * unchanged is encoded from that scope's snapshot, with no snapshot of its own built.
 */
export function encodeSnapshot(snapshot: ScopeSnapshot, id = snapshot.id, version = snapshot.version, isolationId = snapshot.isolationId): EncodedSnapshot {
  const { breadcrumbs } = snapshot;
  let known = encodings.get(breadcrumbs);
  if (!known || (known.of !== snapshot && !sameData(known.of, snapshot))) {
    known = { of: snapshot, bytes: carried(serialize({ ...snapshot, id: '', version: 0, isolationId: '' })) };
    encodings.set(breadcrumbs, known);
  }
  return { id, version, isolationId, data: known.bytes };
}

function sameData(a: ScopeSnapshot, b: ScopeSnapshot): boolean {
  for (const field of DATA_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

/**
 * The bytes as a message will carry them: large ones in shared memory, written once here and never
 * again, so every task message that carries them passes a reference instead of a copy; small ones
 * as a string (see `SHARED_FROM`).
 */
function carried(bytes: Buffer): Uint8Array | string {
  if (bytes.length < SHARED_FROM) return bytes.toString('latin1');
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** The deep-frozen snapshot that `encoded` stands for. */
export function decodeSnapshot({ id, version, isolationId, data }: EncodedSnapshot): ScopeSnapshot {
  // Fresh from the bytes, so ours to complete: the blank identity they hold is filled in place.
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const snapshot = deserialize(bytes) as { -readonly [K in keyof ScopeSnapshot]: ScopeSnapshot[K] };
  snapshot.id = id;
  snapshot.version = version;
  snapshot.isolationId = isolationId;
  return deepFreeze(snapshot);
}
