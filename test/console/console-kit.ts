/**
 * The console over a real app and database (`app.request`), as a browser without script would
 * use it: a cookie jar, forms posted with the page's CSRF token from this origin, redirects
 * followed by hand so tests can read them.
 */
import {
  ADMIN_KEY,
  createTestApp,
  type StoreKind,
  type TestApp,
  type TestAppOptions,
} from '../helpers/create-test-app.ts';

export const ORIGIN = 'http://roster.test';

export interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
  /** The page's text, tags removed and spaces collapsed, for assertions on what it says. */
  readonly text: string;
  /** Where a redirect points (path and query), or undefined. */
  readonly location: string | undefined;
}

export interface Browser {
  readonly app: TestApp;
  readonly cookies: Map<string, string>;
  get(path: string, headers?: Record<string, string>): Promise<Page>;
  /** Posts a form; `_csrf` is the last page's token unless given. */
  post(
    path: string,
    fields?: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<Page>;
  /** Signs in with `key`; returns the answer to the sign-in form. */
  signIn(key?: string): Promise<Page>;
  /** The CSRF token of the last page that carried one. */
  csrf(): string;
}

export function pageText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

export function browser(app: TestApp): Browser {
  const cookies = new Map<string, string>();
  let lastCsrf = '';

  async function send(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> },
  ): Promise<Page> {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await app.request(method, `${ORIGIN}${path}`, {
      token: null,
      headers: {
        Host: 'roster.test',
        Accept: 'text/html',
        ...(cookie ? { Cookie: cookie } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { raw: init.body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', ...rest] = pair.split('=');
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim()));
      if (expired) cookies.delete(name.trim());
      else cookies.set(name.trim(), rest.join('='));
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec(response.text)?.[1];
    if (csrf) lastCsrf = csrf;
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      headers: response.headers,
      html: response.text,
      text: pageText(response.text),
      location: location?.startsWith(ORIGIN) ? location.slice(ORIGIN.length) : location,
    };
  }

  const self: Browser = {
    app,
    cookies,
    get: (path, headers = {}) => send('GET', path, { headers }),
    post(path, fields = {}, headers = {}) {
      const form = new URLSearchParams();
      if (!('_csrf' in fields)) form.set('_csrf', lastCsrf);
      for (const [name, value] of Object.entries(fields)) {
        for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
      }
      return send('POST', path, {
        body: form.toString(),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: ORIGIN,
          'Sec-Fetch-Site': 'same-origin',
          ...headers,
        },
      });
    },
    async signIn(key = ADMIN_KEY) {
      const form = await self.get('/sign-in');
      const token = /name="_signin" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
      const answer = await self.post('/sign-in', { _signin: token, key, next: '/' });
      // Like a browser, land on the page it leads to (which carries the session's CSRF token).
      let next = answer.location;
      for (let hops = 0; next !== undefined && hops < 5; hops++)
        next = (await self.get(next)).location;
      return answer;
    },
    csrf: () => lastCsrf,
  };
  return self;
}

/** A test app and a signed-out browser on it; undefined when the store kind is unavailable. */
export async function consoleTestApp(kind: StoreKind, options: TestAppOptions = {}) {
  const app = await createTestApp(kind, options);
  return app && { app, browser: () => browser(app) };
}
