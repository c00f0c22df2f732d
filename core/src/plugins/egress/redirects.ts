import { parseTargetUrl, type PreparedRequest } from './request.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const isRedirect = (status: number): boolean => REDIRECTS.has(status);

// Credentials that must not follow a request to a different origin.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
// Describe a body that a method change to GET drops (Fetch standard, "request-body-header name").
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);

/**
 * The request for the next hop, following the Fetch standard's rules. The caller re-vets the
 * returned URL exactly like the first one (allowlist, DNS, address rules).
 */
export function nextHop(current: PreparedRequest, status: number, location: string): PreparedRequest {
  const url = parseTargetUrl(location, 'redirect', current.url);
  let { method, body } = current;
  const headers = { ...current.headers };
  // 303 turns anything but HEAD into GET; 301/302 do so for POST (what every client does).
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    for (const name of Object.keys(headers)) if (BODY_HEADERS.has(name.toLowerCase())) delete headers[name];
  }
  // Different scheme, host or port: secrets stay with the origin the plugin addressed.
  if (url.origin !== current.url.origin) {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (CREDENTIAL_HEADERS.has(lower) || current.secretBearing.has(lower)) delete headers[name];
    }
  }
  return { url, method, headers, body, secretBearing: current.secretBearing };
}
