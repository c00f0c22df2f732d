import { repairText } from '@mosaic/sdk/schema';
import { jsonProblem, truncate, truncateUtf8, utf8Bytes } from './args.js';
import { LOG_LEVELS, type CapabilityHandlers, type HostDeps, type LogLevel } from './types.js';

export const MAX_LOG_MESSAGE_CHARS = 1000;
export const MAX_LOG_DATA_BYTES = 4 * 1024;

const isLevel = (v: unknown): v is LogLevel => (LOG_LEVELS as readonly unknown[]).includes(v);

/**
 * `ctx.log.*`, needing no scope. It never refuses: the prelude does not even wait for it, and a
 * log line lost over a bad level would hide the very problem being logged. Sizes are truncated,
 * and what the text rule refuses elsewhere (control characters, lone surrogates) is replaced by
 * U+FFFD, so the stored line reads back whole and cannot forge lines or terminal escapes.
 */
export function logCapabilities({ log }: HostDeps): CapabilityHandlers {
  return {
    log: async (args) => {
      const level = own(args, 'level');
      const data = own(args, 'data');
      log({
        level: isLevel(level) ? level : 'info',
        message: repairText(truncate(asText(own(args, 'message')), MAX_LOG_MESSAGE_CHARS)),
        ...(data !== undefined && { data: boundedData(data) }),
      });
      return undefined;
    },
  };
}

function own(args: unknown, name: string): unknown {
  return typeof args === 'object' && args !== null && Object.hasOwn(args, name) ? (args as Record<string, unknown>)[name] : undefined;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return jsonProblem(value) === null ? JSON.stringify(value) : `[${typeof value}]`;
}

/** `data` itself when its JSON fits, else a note with the first 4 KB of that JSON as text. */
function boundedData(data: unknown): unknown {
  const problem = jsonProblem(data);
  if (problem !== null) return { invalid: problem };
  const json = JSON.stringify(data);
  const bytes = utf8Bytes(json);
  return bytes <= MAX_LOG_DATA_BYTES ? data : { truncated: true, bytes, preview: truncateUtf8(json, MAX_LOG_DATA_BYTES) };
}
