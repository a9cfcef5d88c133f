import { fromTransition } from 'xstate';
import { emptyScopeData, sealCrumb, type Breadcrumb, type ScopeId, type ScopeSnapshot } from '../scope/index.js';
import {
  GLOBAL_SCOPE_ID,
  ScopeError,
  type CaptureMessage,
  type ForkMessage,
  type Message,
  type MutationMessage,
} from '../protocol/index.js';
import { validateMessage } from '../protocol/validate.js';
import { newTrace } from './ids.js';
import { ScopeEntry } from './scope-entry.js';

export interface OwnerInput {
  readonly maxBreadcrumbs: number;
  readonly beforeBreadcrumb?: (crumb: Breadcrumb) => Breadcrumb | null;
  /** Told of every failure the owner swallows so it can keep running (a throwing hook, a bug). */
  readonly report: (error: unknown, origin: string) => void;
}

export interface OwnerState {
  readonly input: OwnerInput;
  readonly scopes: Map<ScopeId, ScopeEntry>;
  applied: number;
  rejected: number;
}

/** A capture as the owner leaves it: the data to merge, taken in mailbox order. */
export interface PreparedCapture {
  readonly message: CaptureMessage;
  readonly global: ScopeSnapshot;
  readonly scope: ScopeSnapshot;
}

/** What the owner made of one message: nothing, a snapshot, a capture to run, or the rejection. */
export type Outcome = undefined | ScopeSnapshot | PreparedCapture | ScopeError;

export type OwnerEvent =
  /** Validated messages, applied in order; `outcomes[i]` is filled for `messages[i]`. */
  | { readonly type: 'deliver'; readonly messages: readonly Message[]; readonly outcomes: Outcome[] }
  /** Adds a scope built outside from data the owner handed out (a session's own fork); a taken id keeps its scope. */
  | { readonly type: 'adopt'; readonly entry: ScopeEntry }
  /** Closes every scope; `closed` receives their ids. */
  | { readonly type: 'shutdown'; readonly closed: ScopeId[] };

/**
 * The owner: a pure-reducer actor. Its state is private to it, so it updates scope entries in
 * place; everything that leaves it (snapshots, fork data) is sealed and frozen first.
 * The reducer never throws: xstate would stop the actor, and with it every scope.
 */
function reduce(state: OwnerState, event: OwnerEvent): OwnerState {
  if (event.type === 'shutdown') {
    for (const entry of state.scopes.values()) {
      entry.closed = true;
      event.closed.push(entry.id);
    }
    state.scopes.clear();
    return state;
  }
  if (event.type === 'adopt') {
    // The service checks the id first; should it be taken all the same, the first holder keeps it.
    if (!state.scopes.has(event.entry.id)) state.scopes.set(event.entry.id, event.entry);
    return state;
  }
  if (event.type !== 'deliver') return state; // xstate's own events, such as its stop signal
  const { messages, outcomes } = event;
  // Runs of messages to one scope are the common case: look its entry up once per run.
  let entry: ScopeEntry | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (entry?.id !== message.scope || entry.closed) entry = state.scopes.get(message.scope);
    try {
      outcomes[i] = handle(state, message, entry);
      state.applied += 1;
    } catch (error) {
      state.rejected += 1;
      outcomes[i] = error instanceof ScopeError ? error : internalError(state, error);
    }
  }
  return state;
}

const reducerLogic = fromTransition(reduce, ({ input }: { input: OwnerInput }): OwnerState => {
  const global = new ScopeEntry(GLOBAL_SCOPE_ID, GLOBAL_SCOPE_ID, emptyScopeData(newTrace()));
  return { input, scopes: new Map([[GLOBAL_SCOPE_ID, global]]), applied: 0, rejected: 0 };
});

/**
 * `fromTransition`'s logic but for one step: its transition wraps the state it returns in a new
 * snapshot on every event (`{ ...snapshot, context }`), a copy Node 20's V8 makes on its slow path
 * (a send cost ~650 ns with it, ~105 ns without; Node 24's makes it in ~25 ns). `reduce` updates
 * the state in place and returns that same state, so the snapshot around it stays, handed back.
 */
export const ownerLogic: typeof reducerLogic = {
  ...reducerLogic,
  transition: (snapshot, event) => {
    reduce(snapshot.context, event);
    return snapshot;
  },
};

function handle(state: OwnerState, message: Message, entry: ScopeEntry | undefined): Outcome {
  // Closed ids are not remembered (that would grow with every fork); handles know their own.
  if (!entry) throw new ScopeError('UNKNOWN_SCOPE', `no live scope has id ${message.scope}`);
  switch (message.type) {
    case 'fork':
      return fork(state, entry, message);
    case 'close':
      return close(state, entry);
    case 'snapshot': // the service answers reads itself (see ScopeService.deliver); kept correct here all the same
      return entry.snapshot();
    case 'capture':
      return { message, global: state.scopes.get(GLOBAL_SCOPE_ID)!.snapshot(), scope: entry.snapshot() };
    case 'addBreadcrumb':
      return addBreadcrumb(state, entry, message);
    default:
      entry.apply(message, state.input);
      return undefined;
  }
}

function fork(state: OwnerState, parent: ScopeEntry, message: ForkMessage): undefined {
  if (state.scopes.has(message.id)) {
    throw new ScopeError('INVALID_MESSAGE', `scope id ${message.id} is already taken`);
  }
  state.scopes.set(message.id, ScopeEntry.fork(parent, message));
  return undefined;
}

function close(state: OwnerState, entry: ScopeEntry): undefined {
  if (entry.id === GLOBAL_SCOPE_ID) {
    throw new ScopeError('INVALID_MESSAGE', 'the global scope lives as long as the service; close the service instead');
  }
  state.scopes.delete(entry.id);
  entry.closed = true;
  return undefined;
}

function addBreadcrumb(state: OwnerState, entry: ScopeEntry, message: MutationMessage & { type: 'addBreadcrumb' }): undefined {
  const { beforeBreadcrumb, report } = state.input;
  let crumb: Breadcrumb | null = message.breadcrumb;
  if (beforeBreadcrumb) {
    sealCrumb(crumb); // the hook may keep it: it must not change the crumb it was shown
    try {
      const result = beforeBreadcrumb(crumb);
      // A crumb returned in place of the one shown is stored, so it is checked (and copied) like any incoming one.
      if (result !== crumb) crumb = result === null ? null : (validateMessage({ ...message, breadcrumb: result }, 'borrowed') as typeof message).breadcrumb;
    } catch (error) {
      report(error, 'beforeBreadcrumb');
    }
  }
  if (crumb) entry.apply(crumb === message.breadcrumb ? message : { type: 'addBreadcrumb', breadcrumb: crumb }, state.input);
  return undefined;
}

function internalError(state: OwnerState, error: unknown): ScopeError {
  state.input.report(error, 'owner');
  return new ScopeError('INVALID_MESSAGE', `the owner could not apply this message: ${String(error)}`, { cause: error });
}
