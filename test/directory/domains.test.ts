/**
 * Domain verification against a real DNS server on loopback (test/helpers/dns-server.ts), on
 * SQLite and PostgreSQL: every state and every reason a check can give, the 48-hour window,
 * the periodic re-check and its scheduler, and tenant isolation.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, type Directory } from '../../src/directory/directory.ts';
import { startDomainRechecks } from '../../src/directory/domain-rechecks.ts';
import { DirectoryError } from '../../src/directory/errors.ts';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import type { TxtLookup, TxtLookupResult } from '../../src/directory/txt-lookup.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { HOUR_MS, type ManualClock, manualClock } from '../helpers/manual-clock.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

async function directoryError(promise: Promise<unknown>): Promise<DirectoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  return error as DirectoryError;
}

let counter = 0;
/** A fresh domain name per test, under a TLD reserved for testing (RFC 2606). */
const freshName = () => `acme${++counter}-${Date.now().toString(36)}.test`;

describe.each(STORE_KINDS)('domains (%s)', (kind) => {
  let opened: TestStore | undefined;
  let dns: DnsServer;
  let clock: ManualClock;
  let directory: Directory;
  let accountId: string;

  beforeAll(async () => {
    opened = await openTestStore(kind);
    dns = await startDnsServer();
    clock = manualClock();
    if (!opened) return;
    directory = createDirectory({
      store: opened.store,
      clock,
      dns: { resolver: dns.address, timeoutMs: 300 },
    });
    accountId = (
      await directory.accounts.create({
        name: 'Acme',
        tier: 'enterprise',
        pricingModel: 'seats',
        ssoEnabled: true,
      })
    ).id;
  });
  afterAll(async () => {
    await dns.close();
    await opened?.cleanup();
  });

  /** Adds a fresh domain whose parent name exists in DNS (so a missing challenge is not a typo). */
  async function added(): Promise<{ name: string; host: string; value: string }> {
    const name = freshName();
    dns.setTxt(name, []);
    const domain = await directory.domains.add(accountId, name);
    return { name, host: domain.challengeHost, value: domain.challengeValue };
  }

  it('add issues a TXT challenge to publish and stores the domain as pending', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const domain = await directory.domains.add(accountId, ' Shop.Example.TEST. ');
    expect(domain).toMatchObject({
      accountId,
      domain: 'shop.example.test',
      state: 'pending',
      challengeHost: '_roster-challenge.shop.example.test',
      lastCheckedAt: null,
      verifiedAt: null,
      failureCode: null,
      checkUntil: new Date(Date.parse(clock.now()) + 48 * HOUR_MS).toISOString(),
    });
    expect(domain.challengeValue).toMatch(/^roster-domain-verification=[A-Za-z0-9_-]{32}$/);
    const other = await directory.domains.add(accountId, 'shop2.example.test');
    expect(other.challengeValue).not.toBe(domain.challengeValue);
    expect(await directory.domains.get(accountId, 'SHOP.example.test')).toEqual(domain);
    expect((await directory.domains.list(accountId)).map((d) => d.domain)).toEqual(
      expect.arrayContaining(['shop.example.test', 'shop2.example.test']),
    );
  });

  it('refuses invalid names and a domain added twice, saying why', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const invalid = await directoryError(directory.domains.add(accountId, '*.example.test'));
    expect(invalid.code).toBe('domain.invalid_name');
    expect(invalid.message).toContain('wildcards are not allowed');
    const { name, host, value } = await added();
    const twice = await directoryError(directory.domains.add(accountId, name.toUpperCase()));
    expect(twice.code).toBe('domain.exists');
    expect(twice.message).toContain(`${host} = "${value}"`);
    const unknownAccount = await directoryError(
      directory.domains.add('no-such-account', freshName()),
    );
    expect(unknownAccount.code).toBe('account.not_found');
  });

  it('verifies when the TXT record carries the value, among other records', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    dns.setTxt(host, ['v=spf1 -all', value]);
    clock.advance(1000);
    const check = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(check.outcome).toBe('verified');
    expect(check.domain).toMatchObject({
      state: 'verified',
      verifiedAt: clock.now(),
      lastCheckedAt: clock.now(),
      failureCode: null,
      failureReason: null,
      checkUntil: null,
    });
    expect(await directory.domains.get(accountId, name)).toEqual(check.domain);
    // One domain.verified event, committed with the state; checking again emits no other.
    const verifiedEvents = async () =>
      (await directory.events.read(accountId, { types: ['domain.verified'], limit: 1000 })).items;
    const events = (await verifiedEvents()).filter((e) => e.subject === `domain:${name}`);
    expect(events.map((e) => [e.data, e.occurredAt])).toEqual([[{ domain: name }, clock.now()]]);
    clock.advance(1000);
    expect((await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).outcome).toBe(
      'verified',
    );
    expect((await verifiedEvents()).filter((e) => e.subject === `domain:${name}`)).toHaveLength(1);
  });

  it('accepts the value with the quotes some DNS consoles store around it', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    dns.setTxt(host, [` "${value}" `]);
    expect((await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).outcome).toBe(
      'verified',
    );
  });

  it('no TXT record: pending, with where and what to publish', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    dns.setTxt(host, []);
    const check = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(check.outcome).toBe('no_record');
    expect(check.domain).toMatchObject({ state: 'pending', failureCode: 'no_record' });
    expect(check.domain.failureReason).toBe(
      `there is no TXT record at ${host}; publish a TXT record at ${host} with the value "${value}"`,
    );
  });

  it('wrong value: says what was found', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    dns.setTxt(host, ['roster-domain-verification=typo', 'google-site-verification=abc']);
    const check = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(check.outcome).toBe('wrong_value');
    expect(check.domain.failureReason).toBe(
      `the TXT record at ${host} has the wrong value: found "roster-domain-verification=typo", ` +
        `"google-site-verification=abc", expected "${value}"; copy the value exactly`,
    );
  });

  it('joins long records from their 255-byte strings, and lists at most five found values', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    const long = `${'x'.repeat(300)}`;
    dns.setTxt(host, ['a', 'b', 'c', 'd', long, 'f', 'g']);
    const wrong = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(wrong.domain.failureReason).toContain(
      `"a", "b", "c", "d", "${'x'.repeat(120)}…" and 2 more`,
    );
    dns.setTxt(host, [long, `${value}`]);
    expect((await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).outcome).toBe(
      'verified',
    );
  });

  it('NXDOMAIN: tells a missing challenge name from a domain that does not exist', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host } = await added();
    const missing = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(missing.outcome).toBe('nxdomain');
    expect(missing.domain.failureReason).toMatch(
      new RegExp(`^${host.replaceAll('.', '\\.')} does not exist in DNS \\(NXDOMAIN\\); publish`),
    );
    const typo = freshName();
    await directory.domains.add(accountId, typo);
    const check = await directory.domains.verify(accountId, typo, { actor: SYSTEM_ACTOR });
    expect(check.outcome).toBe('nxdomain');
    expect(check.domain.failureReason).toBe(
      `the domain ${typo} does not exist in DNS (NXDOMAIN); check its spelling`,
    );
  });

  it('timeout: a resolver that never answers', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host } = await added();
    dns.mode = 'silent';
    try {
      const check = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
      expect(check.outcome).toBe('timeout');
      expect(check.domain.state).toBe('pending');
      expect(check.domain.failureReason).toBe(
        `no answer from ${dns.address} for ${host} in time (timeout)`,
      );
    } finally {
      dns.mode = 'answer';
    }
  });

  it('resolver error: SERVFAIL and REFUSED are reported with their code', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host } = await added();
    dns.mode = 'servfail';
    try {
      const check = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
      expect(check.outcome).toBe('resolver_error');
      expect(check.domain.failureReason).toContain(
        `${dns.address} could not look up ${host}: ESERVFAIL`,
      );
      dns.mode = 'refused';
      const refused = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
      expect(refused.domain.failureReason).toContain('EREFUSED');
    } finally {
      dns.mode = 'answer';
    }
  });

  it('resolver error: nothing listening at the resolver address', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const closed = await startDnsServer();
    await closed.close();
    const elsewhere = createDirectory({
      store: opened.store,
      clock,
      dns: { resolver: closed.address, timeoutMs: 300 },
    });
    const { name } = await added();
    const check = await elsewhere.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    // An ICMP "port unreachable" (ECONNREFUSED) or, where it is filtered, no answer at all.
    expect(['resolver_error', 'timeout']).toContain(check.outcome);
    expect(check.domain.failureReason).toContain(closed.address);
  });

  it('pending for 48 hours, then failed with the last reason; checking again restarts', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    const start = clock.now();
    clock.advance(47 * HOUR_MS);
    await directory.domains.recheckPending({ limit: 10_000 });
    expect(await directory.domains.get(accountId, name)).toMatchObject({
      state: 'pending',
      failureCode: 'nxdomain',
      lastCheckedAt: clock.now(),
      checkUntil: new Date(Date.parse(start) + 48 * HOUR_MS).toISOString(),
    });
    // An on-demand check inside the window keeps the window.
    expect(
      (await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).domain.checkUntil,
    ).toBe(new Date(Date.parse(start) + 48 * HOUR_MS).toISOString());
    clock.advance(1 * HOUR_MS);
    const summary = await directory.domains.recheckPending({ limit: 10_000 });
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    const failed = await directory.domains.get(accountId, name);
    expect(failed).toMatchObject({ state: 'failed', failureCode: 'nxdomain', checkUntil: null });
    expect(failed.failureReason).toMatch(
      /^not verified within 48 hours; last check: .* does not exist in DNS \(NXDOMAIN\)/,
    );
    // Failed domains are not re-checked periodically...
    const before = dns.queries.length;
    await directory.domains.recheckPending({ limit: 10_000 });
    expect(dns.queries.slice(before).map((q) => q.name)).not.toContain(host);
    // ...but an admin's check looks again and gives a new 48-hour window...
    const again = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(again.domain).toMatchObject({
      state: 'pending',
      checkUntil: new Date(Date.parse(clock.now()) + 48 * HOUR_MS).toISOString(),
    });
    // ...within which publishing the record verifies it.
    dns.setTxt(host, [value]);
    clock.advance(HOUR_MS);
    await directory.domains.recheckPending({ limit: 10_000 });
    expect((await directory.domains.get(accountId, name)).state).toBe('verified');
  });

  it('a verified domain stays verified, unchecked, when its record is removed', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    dns.setTxt(host, [value]);
    const verified = (await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR }))
      .domain;
    dns.remove(host);
    clock.advance(72 * HOUR_MS);
    const before = dns.queries.length;
    await directory.domains.recheckPending({ limit: 10_000 });
    const again = await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(again).toEqual({ domain: verified, outcome: 'verified' });
    expect(dns.queries.slice(before).map((q) => q.name)).not.toContain(host);
  });

  it('the scheduler runs a pass at once, then each interval, never after stop', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name, host, value } = await added();
    const timers: { callback: () => void; ms: number }[] = [];
    const passes: number[] = [];
    let resolvePass: () => void = () => {};
    const rechecks = startDomainRechecks({
      domains: directory.domains,
      intervalMs: 300_000,
      onError: (error) => {
        throw error;
      },
      onPass: (summary) => {
        passes.push(summary.checked);
        resolvePass();
      },
      timer: {
        set: (callback, ms) => timers.push({ callback, ms }),
        clear: () => {},
      },
    });
    expect(timers.map((t) => t.ms)).toEqual([0]);
    const firstPass = new Promise<void>((resolve) => {
      resolvePass = resolve;
    });
    timers[0]?.callback();
    await firstPass;
    expect((await directory.domains.get(accountId, name)).state).toBe('pending');
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.map((t) => t.ms)).toEqual([0, 300_000]);
    dns.setTxt(host, [value]);
    const secondPass = new Promise<void>((resolve) => {
      resolvePass = resolve;
    });
    timers[1]?.callback();
    await secondPass;
    expect((await directory.domains.get(accountId, name)).state).toBe('verified');
    await rechecks.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers).toHaveLength(3);
    timers[2]?.callback(); // a timer that fires after stop runs no pass
    await new Promise((resolve) => setImmediate(resolve));
    expect(passes).toHaveLength(2);
  });

  it('a slow check that loses to a newer result does not overwrite it', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    let release: (result: TxtLookupResult) => void = () => {};
    let calls = 0;
    const gated: TxtLookup = {
      resolverName: 'gated',
      lookupTxt: () => {
        calls++;
        return calls === 1
          ? new Promise((resolve) => {
              release = resolve;
            })
          : Promise.resolve({ kind: 'found', records: [value] });
      },
    };
    const racing = createDirectory({ store: opened.store, clock, txtLookup: gated });
    const name = freshName();
    const { challengeValue: value } = await racing.domains.add(accountId, name);
    const slow = racing.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    // The fast check starts only once the slow one is waiting on its lookup: the first lookup
    // must be the slow one's, whatever order the two reads of the domain finish in.
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const fast = await racing.domains.verify(accountId, name, { actor: SYSTEM_ACTOR });
    expect(fast.domain.state).toBe('verified');
    release({ kind: 'no_records' });
    const late = await slow;
    expect(late).toEqual({ domain: fast.domain, outcome: 'verified' });
    expect((await racing.domains.get(accountId, name)).state).toBe('verified');
  });

  it('never shows or checks another account’s domain', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { name } = await added();
    const other = await directory.accounts.create({
      name: 'Other',
      tier: 'enterprise',
      pricingModel: 'seats',
      ssoEnabled: true,
    });
    expect(await directory.domains.list(other.id)).toEqual([]);
    expect((await directoryError(directory.domains.get(other.id, name))).code).toBe(
      'domain.not_found',
    );
    expect(
      (await directoryError(directory.domains.verify(other.id, name, { actor: SYSTEM_ACTOR })))
        .code,
    ).toBe('domain.not_found');
    expect((await directoryError(directory.domains.remove(other.id, name))).code).toBe(
      'domain.not_found',
    );
    // The same name is the other account's own, separate record with its own challenge.
    const theirs = await directory.domains.add(other.id, name);
    const mine = await directory.domains.get(accountId, name);
    expect(theirs.challengeValue).not.toBe(mine.challengeValue);
    await directory.domains.remove(other.id, name);
    expect(await directory.domains.get(accountId, name)).toEqual(mine);
  });

  it('an internationalised domain, once verified, admits SCIM users of its Unicode address', async (context) => {
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const suffix = (++counter).toString(36);
    const domain = await directory.domains.add(accountId, `bücher${suffix}.test`);
    expect(domain.domain).toMatch(/^xn--bcher.*-.*\.test$/);
    const draft = {
      userName: `anna@bücher${suffix}.test`,
      externalId: null,
      email: `anna@bücher${suffix}.test`,
      displayName: null,
      givenName: null,
      familyName: null,
      active: true,
      profile: {},
      multiValued: {},
    };
    expect(
      (await directoryError(directory.users.provision(accountId, draft, { actor: SYSTEM_ACTOR })))
        .code,
    ).toBe('user.domain_unverified');
    dns.setTxt(domain.challengeHost, [domain.challengeValue]);
    expect(
      (await directory.domains.verify(accountId, `BÜCHER${suffix}.test`, { actor: SYSTEM_ACTOR }))
        .outcome,
    ).toBe('verified');
    const { user } = await directory.users.provision(accountId, draft, { actor: SYSTEM_ACTOR });
    expect(user.email).toBe(draft.email);
  });

  describe('one account per verified domain (the first to verify wins)', () => {
    async function otherAccount(): Promise<string> {
      return (
        await directory.accounts.create({
          name: `Rival ${++counter}`,
          tier: 'enterprise',
          pricingModel: 'classic',
          ssoEnabled: true,
        })
      ).id;
    }

    it('a second account may add a verified domain, but its verification reports it claimed until the operator allows sharing', async (context) => {
      if (!opened) return context.skip('PostgreSQL is not reachable here');
      const rival = await otherAccount();
      const { name, host, value } = await added();
      const theirs = await directory.domains.add(rival, name);
      // Both challenges published at the one host, as two TXT records.
      dns.setTxt(host, [value, theirs.challengeValue]);
      expect(
        (await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).outcome,
      ).toBe('verified');

      clock.advance(1000);
      const claimed = await directory.domains.verify(rival, name, { actor: SYSTEM_ACTOR });
      expect(claimed.outcome).toBe('claimed');
      expect(claimed.domain).toMatchObject({ state: 'pending', failureCode: 'claimed' });
      expect(claimed.domain.failureReason).toMatch(/^domain claimed by another account: /);
      expect(claimed.domain.failureReason).toContain('ask the operator');
      // The first account keeps it, and the rival's users are not admitted.
      expect((await directory.domains.get(accountId, name)).state).toBe('verified');
      const draft = {
        userName: `ana@${name}`,
        externalId: null,
        email: `ana@${name}`,
        displayName: null,
        givenName: null,
        familyName: null,
        active: true,
        profile: {},
        multiValued: {},
      };
      expect(
        (await directoryError(directory.users.provision(rival, draft, { actor: SYSTEM_ACTOR })))
          .code,
      ).toBe('user.domain_unverified');

      // The operator allows the rival to share it: the next check verifies.
      const shared = await directory.domains.setSharing(rival, name, true);
      expect(shared).toMatchObject({ sharingAllowed: true, state: 'pending' });
      expect((await directory.domains.verify(rival, name, { actor: SYSTEM_ACTOR })).outcome).toBe(
        'verified',
      );
      expect((await directory.domains.get(accountId, name)).state).toBe('verified');
      // Taking the permission back while both hold it is refused: one would lose its users.
      const revoke = await directoryError(directory.domains.setSharing(rival, name, false));
      expect(revoke.code).toBe('domain.claimed');
      expect((await directory.domains.get(rival, name)).sharingAllowed).toBe(true);
    });

    it('a claimed domain fails after 48 hours with the reason; once the holder removes it, the other account verifies', async (context) => {
      if (!opened) return context.skip('PostgreSQL is not reachable here');
      const rival = await otherAccount();
      const { name, host, value } = await added();
      const theirs = await directory.domains.add(rival, name);
      dns.setTxt(host, [value, theirs.challengeValue]);
      expect(
        (await directory.domains.verify(accountId, name, { actor: SYSTEM_ACTOR })).outcome,
      ).toBe('verified');
      clock.advance(49 * HOUR_MS);
      await directory.domains.recheckPending({ limit: 1000 });
      const failed = await directory.domains.get(rival, name);
      expect(failed).toMatchObject({ state: 'failed', failureCode: 'claimed' });
      expect(failed.failureReason).toContain('domain claimed by another account');

      await directory.domains.remove(accountId, name);
      expect((await directory.domains.verify(rival, name, { actor: SYSTEM_ACTOR })).outcome).toBe(
        'verified',
      );
    });

    it('two accounts verifying one domain at the same moment: exactly one wins, the other is told it is claimed', async (context) => {
      if (!opened) return context.skip('PostgreSQL is not reachable here');
      for (let round = 0; round < 5; round++) {
        const rivals = [accountId, await otherAccount(), await otherAccount()];
        const name = freshName();
        dns.setTxt(name, []);
        const records = [];
        for (const id of rivals) records.push(await directory.domains.add(id, name));
        dns.setTxt(
          records[0]!.challengeHost,
          records.map((r) => r.challengeValue),
        );
        const outcomes = await Promise.all(
          rivals.map((id) =>
            directory.domains.verify(id, name, { actor: SYSTEM_ACTOR }).then((c) => c.outcome),
          ),
        );
        expect(
          outcomes.filter((o) => o === 'verified'),
          `round ${round}`,
        ).toHaveLength(1);
        expect(
          outcomes.filter((o) => o === 'claimed'),
          `round ${round}`,
        ).toHaveLength(2);
        const states = await Promise.all(
          rivals.map((id) => directory.domains.get(id, name).then((d) => d.state)),
        );
        expect(states.filter((s) => s === 'verified')).toHaveLength(1);
      }
    });
  });
});
