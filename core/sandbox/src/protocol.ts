/**
 * What crosses between the core and a sandbox worker (Node IPC), and the one string format in
 * which values cross the isolate boundary in both directions.
 */
import type { PluginErrorCode } from './errors.js';
import type { SandboxLimits } from './limits.js';
import type { InvocationEntry } from './types.js';

/** Core → worker: run one invocation. `bundle.code` is omitted when the worker already has it. */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  installationKey: string;
  bundle: { sha256: string; code?: string };
  entry: InvocationEntry;
  /** JSON of InvocationContext; parsed only inside the isolate. */
  contextJson: string;
  /** JSON array of the entry's leading arguments (e.g. `[parents, args]`). */
  payloadJson: string;
  limits: SandboxLimits;
}

/** Core → worker: the host function's answer, as an envelope (see below). */
export interface HostResultMessage {
  type: 'host-result';
  id: number;
  callId: number;
  envelope: string;
}

export type CoreMessage = InvokeMessage | HostResultMessage;

export interface ReadyMessage {
  type: 'ready';
}

/** Worker → core: resend this invocation with the bundle code. */
export interface NeedBundleMessage {
  type: 'need-bundle';
  id: number;
}

export interface HostCallMessage {
  type: 'host-call';
  id: number;
  callId: number;
  capability: string;
  argsJson: string;
}

export interface Usage {
  cpuMs: number;
  hostCalls: number;
  coldStart: boolean;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  outcome: Outcome;
  usage: Usage;
  /** The worker's resident set size as the call ended: the core recycles a worker past its ceiling. */
  rssBytes: number;
}

/** Worker → core, now and then while calls run, so that growth is seen before a long call ends. */
export interface MemoryMessage {
  type: 'memory';
  rssBytes: number;
}

export type WorkerMessage = ReadyMessage | NeedBundleMessage | HostCallMessage | DoneMessage | MemoryMessage;

export interface Failure {
  ok: false;
  code: PluginErrorCode;
  message: string;
  pluginCode?: string;
}

/** `json` is undefined when the entry returned nothing (events, void actions). */
export type Outcome = { ok: true; json: string | undefined } | Failure;

export const failure = (code: PluginErrorCode, message: string, pluginCode?: string): Failure =>
  pluginCode === undefined ? { ok: false, code, message } : { ok: false, code, message, pluginCode };

/**
 * Envelope: a tagged string. 'R' + JSON is a value, 'U' is undefined, 'E' + JSON of
 * `{ code, message }` is an error. Only strings cross the isolate boundary, so a refusal keeps
 * its code (isolated-vm would copy an Error's message but drop its properties).
 */
/**
 * A host result that is already JSON text (a stored value read as it is stored): it crosses as
 * that text, without being parsed and serialised again on the way.
 */
export class RawJson {
  constructor(readonly json: string) {}
  /** A JSON array of the given JSON texts, null where there is none. */
  static array(items: readonly (string | null | undefined)[]): RawJson {
    return new RawJson(`[${items.map((item) => item ?? 'null').join(',')}]`);
  }
}

export const envelope = {
  value(value: unknown): string {
    if (value instanceof RawJson) return `R${value.json}`;
    const json = JSON.stringify(value);
    return json === undefined ? 'U' : `R${json}`;
  },
  error(code: string, message: string): string {
    return `E${JSON.stringify({ code, message })}`;
  },
};

export type Decoded =
  | { ok: true; json: string | undefined }
  /** `userError`: the plugin itself refused the caller's input (see the prelude). */
  | { ok: false; code: string; message: string; userError?: true };

export function decodeEnvelope(text: unknown): Decoded {
  if (typeof text !== 'string' || text.length === 0) {
    return { ok: false, code: 'INTERNAL', message: 'malformed reply from the plugin sandbox' };
  }
  const tag = text[0];
  if (tag === 'U') return { ok: true, json: undefined };
  if (tag === 'R') return { ok: true, json: text.slice(1) };
  if (tag !== 'E') return { ok: false, code: 'INTERNAL', message: 'malformed reply from the plugin sandbox' };
  try {
    const { code, message, userError } = JSON.parse(text.slice(1)) as { code?: unknown; message?: unknown; userError?: unknown };
    return { ok: false, code: String(code), message: String(message), ...(userError === true && { userError }) };
  } catch {
    return { ok: false, code: 'INTERNAL', message: 'malformed error from the plugin sandbox' };
  }
}
