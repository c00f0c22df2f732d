/**
 * `ctx.fetch` for the test harness: the checks of core's egress (grant, allowlist, secrets,
 * limits; core/src/plugins/egress) in the order core applies them, then a recorded response
 * instead of the network. A URL without a recording fails loudly, never silently.
 */
import { refusedHeaderReason } from './egress-headers.js';
import { hostMatchesPattern, urlHost } from './egress-host.js';
import { HarnessError, HostError, utf8Bytes } from './test-errors.js';

/** A response as the test recorded it; `json` is serialized as the body. */
export interface RecordedSuccess {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
}

/** A failure the host would report instead of a response, e.g. `{ error: 'EGRESS_TIMEOUT' }`. */
export interface RecordedFailure {
  error: string;
  message?: string;
}

export type RecordedResponse = RecordedSuccess | RecordedFailure;

/** The request as it would leave the host: secrets filled in, default user-agent added. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Keyed by absolute URL (any method) or `METHOD URL`; the value is the response, or a function
 * of the request giving it.
 */
export type RecordedResponses = Record<string, RecordedResponse | ((request: OutboundRequest) => RecordedResponse | Promise<RecordedResponse>)>;

export interface RecordedFetch extends OutboundRequest {
  /** False when no recording matched: the plugin got HARNESS_NOT_RECORDED. */
  recorded: boolean;
  status?: number;
  error?: { code: string; message: string };
}

export interface FetchLimits {
  maxFetchesPerCall: number;
  /** Request and response body bytes of all fetches in one call together. */
  maxFetchBytesPerCall: number;
  maxResponseBytes: number;
}

export interface FetchOptions {
  pluginId: string;
  grantedEgress: readonly string[];
  secrets: Record<string, string>;
  responses: RecordedResponses;
  limits: FetchLimits;
  /** Called with each fetch as it starts; the entry gets its status or error when it ends. */
  record: (fetch: RecordedFetch) => void;
}

export const NOT_RECORDED = 'HARNESS_NOT_RECORDED';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const PLACEHOLDER = /\{\{\s*secret:([A-Za-z0-9_.-]+)\s*\}\}/g;
const DEFAULT_USER_AGENT = 'mosaic-plugin-egress/1';

/** The `fetch` capability for one invocation: fetches and bytes are counted per invocation. */
export function createFetchCapability(options: FetchOptions): (args: Record<string, unknown>) => Promise<unknown> {
  const { limits, record } = options;
  const responses = normalizeKeys(options.responses);
  let fetches = 0;
  let bytes = 0;

  return async (args) => {
    if (options.grantedEgress.length === 0) {
      throw new HostError(
        'FORBIDDEN',
        `this installation of ${options.pluginId} was granted no egress hosts; a plugin may fetch only from hosts its manifest's egress lists and the tenant granted`,
      );
    }
    const request = prepare(args, options);
    if (fetches >= limits.maxFetchesPerCall) {
      throw new HostError('LIMIT_EXCEEDED', `a plugin may fetch at most ${limits.maxFetchesPerCall} times per call`);
    }
    const requestBytes = request.body === undefined ? 0 : utf8Bytes(request.body);
    if (bytes + requestBytes > limits.maxFetchBytesPerCall) throw budgetSpent(limits.maxFetchBytesPerCall);
    fetches += 1;
    bytes += requestBytes;

    const responder = responses.get(`${request.method} ${request.url}`) ?? responses.get(request.url);
    const entry: RecordedFetch = { ...request, recorded: responder !== undefined };
    record(entry);
    try {
      if (!responder) {
        throw new HostError(NOT_RECORDED, `the test harness has no recorded response for ${request.method} ${request.url}; add it to the harness's fetch option`);
      }
      const response = typeof responder === 'function' ? await responder(structuredClone(request)) : responder;
      if ('error' in response) throw new HostError(response.error, response.message ?? `simulated ${response.error} for ${request.url}`);
      const body = response.body ?? (response.json === undefined ? '' : JSON.stringify(response.json));
      const size = utf8Bytes(body);
      const cap = Math.min(limits.maxResponseBytes, limits.maxFetchBytesPerCall - bytes);
      if (size > cap) {
        if (cap < limits.maxResponseBytes) throw budgetSpent(limits.maxFetchBytesPerCall);
        throw new HostError('EGRESS_TOO_LARGE', `response is larger than this plugin's limit of ${cap} bytes; request less data, e.g. with paging`);
      }
      bytes += size;
      entry.status = response.status ?? 200;
      return { status: entry.status, headers: responseHeaders(response), body };
    } catch (error) {
      if (error instanceof HostError) entry.error = { code: error.code, message: error.message };
      throw error;
    }
  };
}

function normalizeKeys(responses: RecordedResponses): Map<string, RecordedResponses[string]> {
  const out = new Map<string, RecordedResponses[string]>();
  for (const [key, value] of Object.entries(responses)) {
    const [first = '', rest] = key.split(/ (.*)/s);
    const method = rest !== undefined && METHODS.has(first.toUpperCase()) ? first.toUpperCase() : undefined;
    const raw = method ? rest ?? '' : key;
    let url: string;
    try {
      url = new URL(raw).href;
    } catch {
      throw new HarnessError(`fetch recording "${key}" is not an absolute URL (optionally after a method, e.g. "GET https://api.example.com/x")`);
    }
    out.set(method ? `${method} ${url}` : url, value);
  }
  return out;
}

function prepare(args: Record<string, unknown>, options: FetchOptions): OutboundRequest {
  const { url: rawUrl, method: rawMethod = 'GET', headers: rawHeaders = {}, body } = args;
  if (typeof rawUrl !== 'string' || rawUrl.length === 0) throw new HostError('BAD_USER_INPUT', 'invalid arguments for fetch: url: must be a string');
  if (body !== undefined && typeof body !== 'string') throw new HostError('EGRESS_BAD_REQUEST', 'body must be a string');
  if (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders)) {
    throw new HostError('BAD_USER_INPUT', 'invalid arguments for fetch: headers: must be a JSON object');
  }
  if (/\{\{\s*secret:/.test(rawUrl)) {
    throw new HostError('EGRESS_BAD_REQUEST', 'request URL contains a secret placeholder; secrets may only be used in header values');
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new HostError('EGRESS_BAD_REQUEST', 'request URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HostError('EGRESS_BAD_REQUEST', `request URL scheme '${url.protocol}' is not allowed; only http and https`);
  }
  const method = String(rawMethod).toUpperCase();
  if (!METHODS.has(method)) {
    throw new HostError('EGRESS_BAD_REQUEST', `method '${String(rawMethod)}' is not supported; use one of ${[...METHODS].join(', ')}`);
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw new HostError('EGRESS_BAD_REQUEST', `a ${method} request cannot have a body`);
  // Core reads the host as written (an IP address only in canonical form), then checks the
  // allowlist before anything touches the network, secrets included.
  const host = urlHost(rawUrl, url);
  if (host.problem !== undefined) throw new HostError('EGRESS_BAD_REQUEST', `request URL host: ${host.problem}`);
  // 'example.com.' and 'example.com' are one host; the request goes out (and is keyed) in the plain form.
  if (url.hostname !== host.host) url.hostname = host.host;
  if (!options.grantedEgress.some((pattern) => hostMatchesPattern(host.host, pattern))) {
    throw new HostError(
      'EGRESS_HOST_NOT_ALLOWED',
      `host '${host.host}' is not in this plugin's allowed hosts; declare it in the manifest's egress hosts and have the installation grant it`,
    );
  }
  const headers = injectSecrets(rawHeaders as Record<string, unknown>, options.secrets);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent')) headers['user-agent'] = DEFAULT_USER_AGENT;
  return { method, url: url.href, headers, ...(body !== undefined && { body }) };
}

function injectSecrets(headers: Record<string, unknown>, secrets: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new HostError('EGRESS_BAD_REQUEST', `header '${name}' must have a string value`);
    const refused = refusedHeaderReason(name);
    if (refused !== undefined) throw new HostError('EGRESS_BAD_REQUEST', refused);
    out[name] = value.replace(PLACEHOLDER, (_, key: string) => {
      if (!Object.hasOwn(secrets, key)) {
        throw new HostError('EGRESS_BAD_REQUEST', `header '${name}' refers to secret '${key}', which is not configured for this plugin installation`);
      }
      return secrets[key] as string;
    });
  }
  return out;
}

function responseHeaders(response: RecordedSuccess): Record<string, string> {
  const headers: Record<string, string> = {};
  if (response.json !== undefined && response.body === undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

const budgetSpent = (max: number) =>
  new HostError('LIMIT_EXCEEDED', `the fetches of one call may send and receive at most ${max} body bytes together`);
