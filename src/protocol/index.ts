export { errorForThread, errorFromThread, ScopeError, SCOPE_ERROR_CODES, type ScopeErrorCode, type SerializedScopeError } from './errors.js';
export * from './messages.js';
export { validateMessage, type Ownership } from './validate.js';
export { decodeSnapshot, encodeSnapshot, packTask, unpackTask, type EncodedSnapshot, type TaskMessage } from './start.js';
export { packMessages, unpackMessages, type BreadcrumbRun, validatePortMessage, type PortInit, type PortReply, type MessageReply } from './port.js';
export { frozenCopy, frozenInPlace, isPlainObject, MAX_DEPTH } from './values.js';
