import { BreadcrumbLog } from './breadcrumbs.js';
import { copyData, emptyScopeData, isEmptyData, type ScopeData } from './data.js';
import type { Mutation } from './mutations.js';
import { setData } from './records.js';
import type { Attachment, Breadcrumb } from './types.js';

export interface ReduceOptions {
  /** Breadcrumbs kept per scope, oldest dropped first. */
  readonly maxBreadcrumbs: number;
}

/** Sentry's cap on a breadcrumb message: longer ones are cut to this and end with `...`. */
export const MAX_BREADCRUMB_MESSAGE = 2048;

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type Container = 'tags' | 'extra' | 'contexts' | 'attachments';
const CONTAINERS = ['tags', 'extra', 'contexts', 'attachments'] as const;
const BIT: { readonly [K in Container]: number } = { tags: 1, extra: 2, contexts: 4, attachments: 8 };
type Record_ = Record<string, unknown>;

/**
 * A scope's data while one owner changes it. Containers (tags, extra, contexts, attachments) are
 * copied on their first write after a seal and then written in place, so a burst of writes costs
 * one copy, not one per write. `seal()` freezes them and hands out immutable `ScopeData`.
 */
export class ScopeDraft {
  /** The working copy, made on the first write: a scope that is only forked and read never copies. */
  #data: Writable<ScopeData> | undefined;
  /** Bits of BIT: the containers this draft copied and may write in place. */
  #owned = 0;
  #sealed: ScopeData | undefined;
  /**
   * Crumbs added since the log was last brought up to date, oldest first, and the bound they were
   * added under. A burst of writes between two reads then costs an array push per crumb, and the
   * log is built once, from the newest crumbs only. Never more than the bound wait.
   */
  #crumbs: Breadcrumb[] | undefined;
  #max = 0;

  constructor(data: ScopeData) {
    this.#sealed = data;
  }

  /** Applies one mutation; returns false when it changed nothing (same value, already empty). */
  apply(mutation: Mutation, options: ReduceOptions): boolean {
    const changed = applyTo(this, (this.#data ??= copyData(this.#sealed!)), mutation, options);
    if (changed) this.#sealed = undefined;
    return changed;
  }

  /** Adds a crumb to the log, in order, as of the next read of it. */
  addBreadcrumb(crumb: Breadcrumb, max: number): void {
    if (max !== this.#max) this.log();
    this.#max = max;
    // `max` newer crumbs push the whole log out: build it now, so waiting crumbs stay bounded.
    if ((this.#crumbs ??= []).push(crumb) >= max) this.log();
  }

  /** The working copy's breadcrumb log, with every added crumb in it. */
  log(): BreadcrumbLog {
    const data = this.#data!;
    if (this.#crumbs?.length) {
      data.breadcrumbs = data.breadcrumbs.appendAll(this.#crumbs, this.#max);
      this.#crumbs = undefined; // a scope that stops writing keeps no array
    }
    return data.breadcrumbs;
  }

  seal(): ScopeData {
    if (this.#sealed) return this.#sealed;
    this.log();
    const data = this.#data!;
    if (this.#owned) for (const name of CONTAINERS) if (this.#owned & BIT[name]) Object.freeze(data[name]);
    this.#owned = 0;
    return (this.#sealed = Object.freeze(copyData(data)));
  }

  /** The container, copied first unless this draft already owns it. */
  own<K extends Container>(name: K): Writable<ScopeData[K]> & (K extends 'attachments' ? Attachment[] : Record_) {
    if (!(this.#owned & BIT[name])) {
      const data = this.#data!;
      const current = data[name];
      (data as Record_)[name] = Array.isArray(current) ? [...current] : { ...current };
      this.#owned |= BIT[name];
    }
    return this.#data![name] as never;
  }

  /** The container as it is now, for reading only. */
  peek<K extends Container>(name: K): ScopeData[K] & Record_ {
    return this.#data![name] as never;
  }

  /** Replaces a container with a value this draft does not own (frozen or shared). */
  replace<K extends Container>(name: K, value: ScopeData[K]): void {
    this.#data![name] = value;
    this.#owned &= ~BIT[name];
  }
}

/**
 * Pure: the data after one mutation (the same object when nothing changed). The owner and a
 * worker's local view both reduce with the same code.
 * @example
 * const next = applyMutation(data, { type: 'setTag', key: 'k', value: 1 }, { maxBreadcrumbs: 100 });
 */
export function applyMutation(data: ScopeData, mutation: Mutation, options: ReduceOptions): ScopeData {
  const draft = new ScopeDraft(data);
  return draft.apply(mutation, options) ? draft.seal() : data;
}

function applyTo(draft: ScopeDraft, data: Writable<ScopeData>, m: Mutation, options: ReduceOptions): boolean {
  switch (m.type) {
    case 'setTag':
      return setKey(draft, 'tags', m.key, m.value);
    case 'setTags':
      return setKeys(draft, 'tags', m.tags);
    case 'setExtra':
      return setKey(draft, 'extra', m.key, m.value);
    case 'setExtras':
      return setKeys(draft, 'extra', m.extras);
    case 'setContext':
      if (m.context === null) {
        if (!Object.hasOwn(data.contexts, m.name)) return false;
        delete draft.own('contexts')[m.name];
        return true;
      }
      return setKey(draft, 'contexts', m.name, m.context);
    case 'setUser':
      if (data.user === m.user) return false;
      data.user = m.user;
      return true;
    case 'setLevel':
      if (data.level === m.level) return false;
      data.level = m.level;
      return true;
    case 'setFingerprint':
      if (sameStrings(data.fingerprint, m.fingerprint)) return false;
      data.fingerprint = m.fingerprint;
      return true;
    case 'setTransactionName':
      if (data.transactionName === m.name) return false;
      data.transactionName = m.name;
      return true;
    case 'addBreadcrumb':
      draft.addBreadcrumb(truncateMessage(m.breadcrumb), options.maxBreadcrumbs);
      return true;
    case 'clearBreadcrumbs':
      if (draft.log().length === 0) return false;
      data.breadcrumbs = BreadcrumbLog.empty;
      return true;
    case 'addAttachment':
      draft.own('attachments').push(m.attachment);
      return true;
    case 'clearAttachments':
      if (data.attachments.length === 0) return false;
      draft.replace('attachments', Object.freeze([]));
      return true;
    case 'setPropagationContext':
      if (data.propagationContext === m.propagationContext) return false;
      data.propagationContext = m.propagationContext;
      return true;
    case 'clear': {
      draft.log(); // isEmptyData reads it
      const next = m.propagationContext ?? data.propagationContext;
      if (isEmptyData(data) && next === data.propagationContext) return false;
      const empty = emptyScopeData(next);
      for (const name of CONTAINERS) draft.replace(name, empty[name] as never);
      data.user = null;
      data.level = undefined;
      data.fingerprint = empty.fingerprint;
      data.transactionName = undefined;
      data.breadcrumbs = BreadcrumbLog.empty;
      data.propagationContext = next;
      return true;
    }
  }
}

function setKey(draft: ScopeDraft, name: 'tags' | 'extra' | 'contexts', key: string, value: unknown): boolean {
  const current = draft.peek(name);
  // One lookup when the value differs (the common case); own-ness matters only for undefined.
  if (Object.is(current[key], value) && (value !== undefined || Object.hasOwn(current, key))) return false;
  setData(draft.own(name), key, value);
  return true;
}

function setKeys(draft: ScopeDraft, name: 'tags' | 'extra', values: Record_): boolean {
  let changed = false;
  for (const key of Object.keys(values)) changed = setKey(draft, name, key, values[key]) || changed;
  return changed;
}

function truncateMessage(crumb: Breadcrumb): Breadcrumb {
  const { message } = crumb;
  if (message === undefined || message.length <= MAX_BREADCRUMB_MESSAGE) return crumb;
  return Object.freeze({ ...crumb, message: `${message.slice(0, MAX_BREADCRUMB_MESSAGE)}...` });
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
