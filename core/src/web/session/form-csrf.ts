import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF for forms shown before anyone signs in (sign-in, sign-up, password reset): a signed
 * double-submit token. The same value goes in a cookie and in the form; a request is accepted
 * when both are present, equal, and signed by this server for this tenant. Another site can
 * neither read the cookie nor set one that verifies.
 */
export class FormCsrf {
  readonly #key: Buffer;

  /** `secret`: MOSAIC_WEB_SECRET; null makes a key for this process (forms die on restart). */
  constructor(secret: string | null) {
    this.#key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  #sign(slug: string, nonce: string): string {
    return createHmac('sha256', this.#key).update(`form-csrf:${slug}:${nonce}`).digest('base64url');
  }

  /** A fresh token for this tenant's forms. */
  issue(slug: string): string {
    const nonce = randomBytes(24).toString('base64url');
    return `${nonce}.${this.#sign(slug, nonce)}`;
  }

  /** True when the token is well-formed and signed by this server for this tenant. */
  isGenuine(slug: string, token: string | undefined): token is string {
    const m = token ? /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
    if (!m) return false;
    return timingSafeEqual(Buffer.from(this.#sign(slug, m[1]!)), Buffer.from(m[2]!));
  }

  /** The double-submit check: the cookie's token is genuine and the form sent the very same. */
  accepts(slug: string, cookieToken: string | undefined, submitted: string | undefined): boolean {
    if (!this.isGenuine(slug, cookieToken) || !submitted || submitted.length !== cookieToken.length) return false;
    return timingSafeEqual(Buffer.from(cookieToken), Buffer.from(submitted));
  }
}
