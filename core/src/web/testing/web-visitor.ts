/**
 * A browser without JavaScript for the web pages' HTTP tests: a cookie jar against one server,
 * same-origin form posts, no redirect followed, and the CSRF token of the last page that had a
 * form. It sends every cookie it holds on every request (whatever the cookie's path), the way an
 * attacker replaying a cookie would where a browser would not; a cookie is cleared only by a
 * Set-Cookie of the path it was set with, as a browser clears it.
 */

/** Form fields: urlencoded from a record, pairs or params; multipart from a FormData. */
export type VisitorForm = Record<string, string> | [string, string][] | URLSearchParams | FormData;

/** fetch's options, plus a form to post and the Origin the post claims (this server's by default). */
export type VisitorRequest = Omit<RequestInit, 'redirect'> & { form?: VisitorForm; origin?: string };

/** A page as the visitor got it. */
export interface Visit {
  res: Response;
  status: number;
  html: string;
  /** The redirect's target, if any. */
  location: string | null;
}

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;

export class WebVisitor {
  readonly cookies = new Map<string, string>();
  private readonly cookiePaths = new Map<string, string>();
  /** The Set-Cookie lines of the last answer. */
  setCookies: string[] = [];
  /** The `_csrf` of the last page with a form; `post` sends it unless the form has its own. */
  csrf = '';

  /** `headers` go with every request (say, `accept-language`). */
  constructor(readonly base: string, readonly headers: Record<string, string> = {}) {}

  /** The `cookie` header this visitor sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path: string, init: VisitorRequest = {}): Promise<Response> {
    const { form, origin, ...rest } = init;
    const headers = new Headers(this.headers);
    new Headers(init.headers).forEach((value, name) => headers.set(name, value));
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    let body = init.body;
    if (form) {
      if (form instanceof FormData) body = form;
      else {
        body = new URLSearchParams(form).toString();
        headers.set('content-type', 'application/x-www-form-urlencoded');
      }
      headers.set('origin', origin ?? headers.get('origin') ?? this.base);
    }
    const res = await fetch(`${this.base}${path}`, { ...rest, method: init.method ?? (form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.keepCookies(res.headers.getSetCookie());
    return res;
  }

  /** GET a page and keep its CSRF token. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Visit> {
    return this.visit(await this.fetch(path, { headers }));
  }

  /** POST a form with the kept CSRF token (unless the form carries a `_csrf` of its own). */
  async post(path: string, form: VisitorForm, headers: Record<string, string> = {}): Promise<Visit> {
    const fields = form instanceof FormData ? form : new URLSearchParams(form);
    if (!fields.has('_csrf')) fields.append('_csrf', this.csrf);
    return this.visit(await this.fetch(path, { form: fields, headers }));
  }

  /** The CSRF token of the page at `path` (which must have a form). */
  async tokenOf(path: string): Promise<string> {
    const { html } = await this.get(path);
    const token = CSRF_FIELD.exec(html)?.[1];
    if (!token) throw new Error(`no form token on ${path}`);
    return token;
  }

  /** Signs in through the area's real sign-in form; answers the form post's answer (303 on success). */
  async signIn(slug: string, area: 'portal' | 'console' | 'admin', email: string, password: string, extra: Record<string, string> = {}): Promise<Visit> {
    await this.get(`/t/${slug}/${area}/sign-in`);
    return this.post(`/t/${slug}/${area}/sign-in`, { ...extra, email, password });
  }

  private async visit(res: Response): Promise<Visit> {
    const html = await res.text();
    const token = CSRF_FIELD.exec(html)?.[1];
    if (token) this.csrf = token;
    return { res, status: res.status, html, location: res.headers.get('location') };
  }

  private keepCookies(lines: string[]): void {
    this.setCookies = lines;
    for (const line of lines) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = /;\s*Path=([^;]+)/i.exec(line)?.[1] ?? '/';
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
        if ((this.cookiePaths.get(name) ?? path) === path) this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
        this.cookiePaths.set(name, path);
      }
    }
  }
}
