/**
 * `npm run console:screenshots`: the screenshots in docs/console.md, taken again. Starts a
 * throwaway `roster serve` on an empty SQLite database with a DNS server on loopback, sets up
 * an account through the admin API and lets two IdPs provision over SCIM (with one refused user,
 * a deactivation, a group, and a call with a replaced token), then photographs the console's
 * main pages in Chromium at 1,280 px, and the setup page at phone width, into docs/console/.
 * Tokens and ids in the pictures belong to that throwaway server.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDnsServer } from '../helpers/dns-server.ts';
import { SEED_APP, SEED_SCIM } from '../helpers/seed-project.ts';
import { ROOT, startServer } from '../helpers/server-process.ts';
import { browserUnavailable, launchChromium, openPage } from './browser-kit.ts';

const OUT = join(ROOT, 'docs/console');
const OKTA = 'Okta SCIM Client 1.0.0';
const ENTRA = 'Azure Active Directory SCIM Client';

const unavailable = browserUnavailable();
if (unavailable) {
  console.error(`console:screenshots: ${unavailable}`);
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), 'roster-screenshots-'));
const dns = await startDnsServer();
const server = await startServer(['--database', join(home, 'roster.db')], {
  ROSTER_DNS_RESOLVER: dns.address,
  ROSTER_DNS_TIMEOUT_MS: '1000',
  ROSTER_DOMAIN_RECHECK_SECONDS: '0',
  ROSTER_ADMIN_KEY: '',
  ROSTER_PUBLIC_URL: '',
});
const operatorKey = /Operator key \(shown once[^)]*\): (\S+)/.exec(server.output())?.[1] ?? '';

type Json = Record<string, unknown>;

async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${operatorKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Json);
}

async function scim(
  token: string,
  agent: string,
  method: string,
  path: string,
  payload?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${server.origin}/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'User-Agent': agent,
      'Content-Type': 'application/scim+json',
    },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await response.text();
  let body: Json = {};
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    // Not JSON: only the status matters here.
  }
  return { status: response.status, body };
}

const person = (local: string, given: string, family: string, domain = 'acme.example') => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `${local}@${domain}`,
  name: { givenName: given, familyName: family },
  displayName: `${given} ${family}`,
  emails: [{ value: `${local}@${domain}`, type: 'work', primary: true }],
  active: true,
});

async function seed(): Promise<{ accountId: string; userId: string; failedEventId: string }> {
  const account = await api('POST', '/accounts', {
    name: 'Acme Corp',
    tier: 'enterprise',
    pricingModel: 'seats',
    ssoEnabled: true,
  });
  const id = account.id as string;
  await api('PUT', `/accounts/${id}/seat-pools/core`, { purchased: 25 });
  await api('PUT', `/accounts/${id}/seat-pools/sales`, { purchased: 10 });
  for (const name of ['Sales Rep', 'Support Agent', 'Marketing']) {
    await api('POST', `/accounts/${id}/permission-sets`, { name, permissions: [] });
  }
  for (const name of ['North America', 'EMEA'])
    await api('POST', `/accounts/${id}/teams`, { name });
  await api('PUT', `/accounts/${id}/scim-app`, {
    files: { 'app-hsmeta.json': SEED_APP, 'scim/scim-hsmeta.json': SEED_SCIM },
  });
  const domain = (await api('POST', `/accounts/${id}/domains`, { domain: 'acme.example' })) as {
    txtRecord: { host: string; value: string };
  };
  dns.setTxt(domain.txtRecord.host, [domain.txtRecord.value]);
  await api('POST', `/accounts/${id}/domains/acme.example/verify`);
  // A second domain, still waiting for its record.
  await api('POST', `/accounts/${id}/domains`, { domain: 'acme-labs.example' });
  await api('POST', `/accounts/${id}/domains/acme-labs.example/verify`);
  const installed = await api('POST', `/accounts/${id}/scim-app/install`);
  const first = installed.token as string;

  const okta: [string, string, string][] = [
    ['ada', 'Ada', 'Lovelace'],
    ['grace', 'Grace', 'Hopper'],
    ['alan', 'Alan', 'Turing'],
    ['barbara', 'Barbara', 'Liskov'],
    ['edsger', 'Edsger', 'Dijkstra'],
  ];
  let userId = '';
  for (const [local, given, family] of okta) {
    const created = await scim(first, OKTA, 'POST', '/Users', person(local, given, family));
    if (local === 'ada') userId = created.body.id as string;
  }
  await scim(first, OKTA, 'GET', '/Users?filter=userName%20eq%20%22ada%40acme.example%22');
  // Refused: not a verified domain.
  await scim(first, OKTA, 'POST', '/Users', person('mallory', 'Mallory', 'Jones', 'gmail.example'));
  const entraUsers: [string, string, string][] = [
    ['donald', 'Donald', 'Knuth'],
    ['frances', 'Frances', 'Allen'],
    ['radia', 'Radia', 'Perlman'],
  ];
  const entraIds: string[] = [];
  for (const [local, given, family] of entraUsers) {
    entraIds.push(
      (await scim(first, ENTRA, 'POST', '/Users', person(local, given, family))).body.id as string,
    );
  }
  await scim(first, ENTRA, 'PATCH', `/Users/${entraIds[2]}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  await scim(first, ENTRA, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Sales EMEA',
    members: entraIds.slice(0, 2).map((value) => ({ value })),
  });
  // A rotation with no overlap, and Entra still sending the old token.
  await api('POST', `/accounts/${id}/tokens/rotate`, { overlapSeconds: 0 });
  await scim(first, ENTRA, 'GET', '/Users?filter=userName%20eq%20%22x%22');
  const failures = await api('GET', `/accounts/${id}/provisioning-log?outcome=failure`);
  const failedEventId = ((failures.items as Json[])[0]?.id as string) ?? '';
  return { accountId: id, userId, failedEventId };
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
  console.log(`docs/console/${name}.png`);
}

try {
  const { accountId, userId, failedEventId } = await seed();
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.origin}/sign-in`);
    await shoot(page, 'sign-in');
    await page.fill('#key', operatorKey);
    await page.click('button[type=submit]');
    await page.waitForURL('**/operator');
    await page.click(`form[action="/operator/show"]:has(input[value="${accountId}"]) button`);
    await page.waitForURL('**/setup?done=account-shown');
    const pages: [string, string][] = [
      ['setup', '/setup'],
      ['connection-status', '/connections'],
      ['users', '/users'],
      ['user', `/users/${userId}`],
      ['provisioning-log', '/log?live=off'],
      ['log-entry', `/log/${failedEventId}`],
      ['groups', '/groups'],
      ['tokens', '/tokens'],
      ['guide-entra', '/guides/entra'],
      ['guide-google', '/guides/google'],
      ['operator', '/operator'],
    ];
    for (const [name, path] of pages) {
      await page.goto(`${server.origin}${path}`);
      await shoot(page, name);
    }
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.context.addCookies(await context.cookies());
    await phone.page.goto(`${server.origin}/setup`);
    await shoot(phone.page, 'setup-phone', false);
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
  await dns.close();
  rmSync(home, { recursive: true, force: true });
}
