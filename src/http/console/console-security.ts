/**
 * The console's browser-facing defences, in one place:
 * - response headers on every console response: a Content-Security-Policy that allows only this
 *   origin's own scripts and styles (no inline script or style, no eval: htmx is configured by a
 *   meta tag, layout.tsx), `no-store` so no cache keeps a page that shows a token or a user,
 *   no referrer, no framing;
 * - the session cookie: HttpOnly, SameSite=Strict, Secure (and `__Host-`) when the console is
 *   reached over https;
 * - CSRF: every form carries a token derived from the session id (HMAC, so it is worthless
 *   without the cookie and needs no storage), and a state-changing request must also come from
 *   this origin by its Origin and Sec-Fetch-Site headers (Fetch Metadata) where the browser sends
 *   them. Sign-in, before any session, uses a double-submit cookie instead.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type PublicOrigin, publicBase } from '../public-base.ts';
import { sourceAddress } from '../source-address.ts';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Pico's form controls draw their icons as data: SVG backgrounds.
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers for every console response, pages and fragments alike. */
export const consoleHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  setConsoleHeaders(c.res.headers);
};

export function setConsoleHeaders(headers: Headers): void {
  headers.set('Content-Security-Policy', CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on form posts,
  // and the origin check could no longer tell this console's forms from another site's.
  headers.set('Referrer-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  // Hashed static files set their own long-lived caching; everything else shows account data.
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
}

export interface CookiePolicy {
  readonly publicOrigin: PublicOrigin;
  readonly trustedProxies: ReadonlySet<string>;
  /** Lifetime of the session cookie; the server ends sessions on its own clock too. */
  readonly maxAgeSeconds: number;
}

/**
 * Whether the browser reached the console over https: the public URL says so, or the request
 * itself, or a trusted proxy's X-Forwarded-Proto (the only proxy header believed).
 */
export function overHttps(c: Context, policy: CookiePolicy): boolean {
  if (policy.publicOrigin.publicUrl !== undefined) {
    return publicBase(c, policy.publicOrigin).startsWith('https:');
  }
  if (c.req.url.startsWith('https:')) return true;
  const peer = sourceAddress(c, new Set());
  return (
    peer !== undefined &&
    policy.trustedProxies.has(peer) &&
    c.req.header('x-forwarded-proto')?.trim().toLowerCase() === 'https'
  );
}

const SESSION = 'roster_session';
const SIGN_IN = 'roster_sign_in';

/** `__Host-` binds a secure cookie to this host and path `/` (RFC 6265bis §4.1.3.2). */
const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);

function cookieOptions(secure: boolean, maxAge: number) {
  return { path: '/', httpOnly: true, secure, sameSite: 'Strict' as const, maxAge };
}

export function sessionCookie(c: Context, policy: CookiePolicy): string | undefined {
  return getCookie(c, cookieName(SESSION, overHttps(c, policy)));
}

export function setSessionCookie(c: Context, policy: CookiePolicy, sessionId: string): void {
  const secure = overHttps(c, policy);
  setCookie(c, cookieName(SESSION, secure), sessionId, cookieOptions(secure, policy.maxAgeSeconds));
}

export function clearSessionCookie(c: Context, policy: CookiePolicy): void {
  const secure = overHttps(c, policy);
  deleteCookie(c, cookieName(SESSION, secure), { path: '/', secure });
}

/** The CSRF token of a session: an HMAC keyed by the session id, which only its cookie holds. */
export function csrfToken(sessionId: string): string {
  return createHmac('sha256', sessionId).update('roster console csrf').digest('base64url');
}

export function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The sign-in form's token: a random value set as a cookie and repeated in the form (double
 * submit), so another site cannot sign a browser in with the attacker's key.
 */
export function issueSignInToken(c: Context, policy: CookiePolicy): string {
  const token = randomBytes(24).toString('base64url');
  const secure = overHttps(c, policy);
  setCookie(c, cookieName(SIGN_IN, secure), token, cookieOptions(secure, 3600));
  return token;
}

export function signInToken(c: Context, policy: CookiePolicy): string | undefined {
  return getCookie(c, cookieName(SIGN_IN, overHttps(c, policy)));
}

/**
 * Whether a state-changing request comes from this origin, as far as the browser says: Fetch
 * Metadata's Sec-Fetch-Site, and Origin compared with the origin the request was sent to. A
 * browser that sends neither is still held by the CSRF token and the SameSite cookie.
 */
export function fromThisOrigin(c: Context, publicOrigin: PublicOrigin): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  // The host the browser addressed: the Host header, or ROSTER_PUBLIC_URL's behind a proxy
  // that rewrites it.
  const hosts = [c.req.header('host')?.toLowerCase()];
  if (publicOrigin.publicUrl !== undefined) hosts.push(new URL(publicOrigin.publicUrl).host);
  try {
    return origin !== 'null' && hosts.includes(new URL(origin).host);
  } catch {
    return false;
  }
}
