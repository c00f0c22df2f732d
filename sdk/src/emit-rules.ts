/**
 * What `ctx.emit` accepts, shared by core's host and the SDK's test harness so the two cannot
 * drift: a type of dot-separated parts (the host files it under `plugin.<id>.`) and a JSON
 * object payload of bounded size.
 */
export const EMIT_TYPE_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const MAX_EMIT_TYPE_CHARS = 100;
export const MAX_EMIT_PAYLOAD_BYTES = 16 * 1024;
