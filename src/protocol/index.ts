export { errorForThread, errorFromThread, ScopeError, SCOPE_ERROR_CODES, type ScopeErrorCode, type SerializedScopeError } from './errors.js';
export * from './messages.js';
export { validateMessage, type Ownership } from './validate.js';
export { decodeSnapshot, encodeSnapshot, SHARED_FROM, type EncodedSnapshot } from './start.js';
export { packTask, TaskStarts, unpackTask, UnpackedTask, type StartData, type StartFetch, type TaskInit, type TaskMessage } from './task.js';
export {
  packBatch,
  packEnd,
  packMessages,
  packReply,
  unpackMessages,
  unpackReply,
  validatePortMessage,
  type AckWire,
  type BatchWire,
  type BreadcrumbRun,
  type CapturedWire,
  type EndWire,
  type MessageReply,
  type PortInit,
  type PortReply,
  type ReplyWire,
} from './port.js';
export { frozenCopy, frozenInPlace, isPlainObject, MAX_DEPTH } from './values.js';
