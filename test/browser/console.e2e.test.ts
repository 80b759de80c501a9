/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a real
 * `roster serve` on an empty SQLite database, with a DNS server on loopback for the domain:
 *
 * 1. The seeds' journey from an empty server to an installed app, as an admin clicks it: sign
 *    in with the operator key the banner printed, create the account, upload the project, add
 *    the domain, copy its TXT record, "check now", publish the record and watch the live status
 *    turn verified without a reload, install and read the token once. An IdP then provisions a
 *    user over SCIM: the log's live tail shows it explained, the user is locked, the connection
 *    status counts the request.
 * 2. The token is revoked in the console; the IdP calls with it and the connection status shows
 *    the failed attempt.
 *
 * On every page: axe-core finds no serious or critical violation, and at phone width nothing
 * overflows sideways. Every request the pages made went to the server's own origin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import {
  browserUnavailable,
  launchChromium,
  openPage,
  overflowsSideways,
  type RecordedPage,
  seriousViolations,
} from './browser-kit.ts';

const unavailable = browserUnavailable();
if (unavailable) console.warn(`console browser tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('console in a real browser', () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-console-e2e-'));
  let dns: DnsServer;
  let server: ServerProcess;
  let browser: Browser;
  let tab: RecordedPage;
  let operatorKey = '';
  let token = '';
  /** Every page checked, with what axe found on it. */
  const checked = new Map<string, unknown[]>();

  /** Runs axe on the page as it is now and remembers what it found. */
  async function axe(page: Page, name: string): Promise<void> {
    checked.set(name, await seriousViolations(page));
  }

  const scim = (path: string, init: RequestInit & { userAgent: string; bearer: string }) =>
    fetch(`${server.origin}/scim/v2${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${init.bearer}`,
        'User-Agent': init.userAgent,
        'Content-Type': 'application/scim+json',
      },
    });

  beforeAll(async () => {
    dns = await startDnsServer();
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_DNS_RESOLVER: dns.address,
      ROSTER_DNS_TIMEOUT_MS: '1000',
      // The server re-checks pending domains every 2 s; the page follows every 10 s.
      ROSTER_DOMAIN_RECHECK_SECONDS: '2',
      ROSTER_ADMIN_KEY: '',
      ROSTER_PUBLIC_URL: '',
    });
    operatorKey = /Operator key \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1] ?? '';
    browser = await launchChromium();
    tab = await openPage(browser);
    await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.origin,
    });
    tab.page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
    await dns?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('walks the seeds from an empty server to an installed app, then an IdP provisions a user', {
    timeout: 180_000,
  }, async () => {
    const { page } = tab;
    expect(server.output()).toContain(
      `Console: ${server.origin}/ (sign in with the operator key or an account admin key)`,
    );
    await page.goto(`${server.origin}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await axe(page, 'sign in');
    await page.fill('#key', 'roster_admin_wrong');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('that key is not valid');
    await axe(page, 'sign in, refused');
    await page.fill('#key', operatorKey);
    await page.click('button[type=submit]');
    await page.waitForURL('**/operator');
    await axe(page, 'operator');

    // The operator creates the account; the console then shows it.
    await page.fill('#new-name', 'Acme Corp');
    await page.selectOption('#new-tier', 'enterprise');
    await page.click('button:has-text("Create the account")');
    await page.waitForURL('**/setup?done=account-created');
    expect(await page.textContent('main')).toContain('The account is created.');
    expect(await page.textContent('header')).toContain('Acme Corp');
    await axe(page, 'setup, new account');

    // The project: the seeds' template is in the form; upload it as it is.
    await page.click('button:has-text("Upload the project")');
    await page.waitForURL('**/setup?done=project-uploaded#project');
    expect(await page.textContent('#project')).toContain('Uploaded');

    // The domain: its TXT record, copied with the copy button (the script reveals it).
    await page.fill('#domain', 'acme.test');
    await page.click('button:has-text("Add domain")');
    await page.waitForURL('**/setup?done=domain-added#domains');
    const row = page.locator('#domain-acme-test');
    expect(await row.textContent()).toContain('Waiting for the TXT record');
    const host = await page.inputValue('#host-acme-test');
    const value = await page.inputValue('#value-acme-test');
    expect(host).toBe('_roster-challenge.acme.test');
    await page.click('button[data-copy-target="value-acme-test"]');
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(value);
    await axe(page, 'setup, domain pending');

    // "Check now" before publishing: the row says why, in words, without a reload.
    // A mark on the window: a reload would wipe it.
    await page.evaluate('window.notReloaded = true');
    await row.locator('button:has-text("Check now")').click();
    await expect.poll(() => row.textContent()).toContain('does not exist in DNS (NXDOMAIN)');
    // Published: the server's re-check verifies it, and the page's live status follows.
    dns.setTxt(host, [value]);
    await expect
      .poll(() => page.locator('#domain-acme-test').textContent(), { timeout: 40_000 })
      .toContain('Verified');
    expect(await page.evaluate<boolean>('window.notReloaded === true')).toBe(true);

    // Distribution: install, the token shown once with its warning.
    await page.reload();
    await page.click('button:has-text("Install now")');
    await page.waitForSelector('#access-token');
    token = await page.inputValue('#access-token');
    expect(token).toMatch(/^roster_/);
    expect(await page.textContent('main')).toContain('This is the only time it is shown');
    expect(await page.inputValue('#tenant-url')).toBe(`${server.origin}/scim/v2`);
    await axe(page, 'installed, token once');
    await page.goto(`${server.origin}/setup`);
    expect(await page.content()).not.toContain(token);
    await axe(page, 'setup, installed');

    // The log follows live: an IdP provisions a user while the page is open.
    await page.goto(`${server.origin}/log`);
    expect(await page.textContent('main')).toContain('No requests match');
    const created = await scim('/Users', {
      method: 'POST',
      bearer: token,
      userAgent: 'Okta SCIM Client 1.0.0',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@acme.test',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
        password: 'Never-Logged-0',
        active: true,
      }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string };
    await expect
      .poll(() => page.locator('#log-rows').textContent(), { timeout: 15_000 })
      .toContain('create user');
    expect(await page.locator('#log-rows').textContent()).toContain('Okta');
    await axe(page, 'provisioning log');
    await page.click('#log-rows tbody a');
    expect(await page.textContent('h1')).toContain('Okta: create user');
    expect(await page.textContent('main')).toContain('[redacted]');
    expect(await page.content()).not.toContain('Never-Logged-0');
    await axe(page, 'log entry');

    // The user, locked because the IdP owns it.
    await page.goto(`${server.origin}/users`);
    await page.click('text=Ada Lovelace');
    expect(new URL(page.url()).pathname).toBe(`/users/${user.id}`);
    expect(await page.textContent('main')).toContain(
      'this user is managed by your identity provider (SCIM), which owns its email and names',
    );
    expect(await page.isDisabled('input[name=email]')).toBe(true);
    await axe(page, 'user');

    // The connection status counts Okta's request.
    await page.goto(`${server.origin}/connections`);
    const okta = page.locator('#idp-okta');
    expect(await okta.textContent()).toContain('Working');
    expect(await okta.locator('.figures').textContent()).toMatch(/Requests, 24 h\s*1/);
    await axe(page, 'connection status');

    for (const path of [
      '/permission-sets',
      '/teams',
      '/seat-pools',
      '/groups',
      '/tokens',
      '/webhooks',
      '/audit',
      '/brake',
      '/guides',
      '/guides/okta',
      '/guides/entra',
      '/guides/onelogin',
      '/guides/jumpcloud',
      '/guides/ping',
      '/guides/google',
      '/no-such-page',
    ]) {
      await page.goto(`${server.origin}${path}`);
      await axe(page, path);
    }
    expect(await page.textContent('h1')).toBe('Page not found');
  });

  it('shows an IdP calling with a revoked token as a failed attempt', {
    timeout: 60_000,
  }, async () => {
    const { page } = tab;
    await page.goto(`${server.origin}/tokens`);
    await page.click('button:has-text("Revoke")');
    await page.waitForURL('**/tokens?done=token-revoked');
    expect(await page.textContent('tbody')).toContain('Revoked');
    const refused = await scim('/Users?filter=userName+eq+%22x%22', {
      bearer: token,
      userAgent: 'Azure Active Directory SCIM Client',
    });
    expect(refused.status).toBe(401);
    await page.goto(`${server.origin}/connections`);
    const failed = await page.textContent('#failed-authentication');
    expect(failed).toContain('This account has no active access token');
    expect(failed).toContain(
      `a revoked token ${token.slice('roster_'.length, 'roster_'.length + 8)}…`,
    );
    expect(failed).toContain('Microsoft Entra ID');
    await axe(page, 'connection status, revoked token');
  });

  it('fits a phone-width screen', { timeout: 60_000 }, async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    try {
      await phone.context.addCookies(await tab.context.cookies());
      for (const path of ['/setup', '/connections', '/users', '/log', '/tokens', '/guides/entra']) {
        await phone.page.goto(`${server.origin}${path}`);
        expect(await overflowsSideways(phone.page), path).toBe(false);
        await axe(phone.page, `${path} at phone width`);
      }
    } finally {
      await phone.context.close();
    }
  });

  it('found no serious or critical accessibility violation, and asked nothing of another origin', () => {
    expect(checked.size).toBeGreaterThan(20);
    const found = Object.fromEntries(
      [...checked].filter(([, violations]) => violations.length > 0),
    );
    expect(found).toEqual({});
    expect(tab.requests.length).toBeGreaterThan(50);
    const elsewhere = tab.requests.filter(
      (url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('data:'),
    );
    expect(elsewhere).toEqual([]);
  });
});
