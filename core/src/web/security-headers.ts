import type { MiddlewareHandler } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';

/**
 * The headers of every web response. The CSP lets scripts run only from a `<script>` carrying
 * this response's nonce (and the page only ever points such tags at this server's /assets), so
 * injected markup can run nothing; styles, images, fetches and form posts stay on this origin;
 * no page may be framed. No plugin code ever reaches a browser: there is no source to allow.
 */
export const webSecurityHeaders = (): MiddlewareHandler => secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
});

/** The nonce the security headers chose for this response (set before any handler runs). */
export const NONCE_VARIABLE = 'secureHeadersNonce' as const;
