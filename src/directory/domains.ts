/**
 * Domain verification (PRODUCT.md item 8; seeds: "Add a verified domain"). Adding a domain
 * issues a TXT challenge (a host and a value to publish); checking it looks the host up in DNS
 * through a `TxtLookup`. States:
 * - pending: not found yet. Re-checked on demand and by `recheckPending` (the periodic job)
 *   until `checkUntil`, 48 hours after it was added, since DNS changes may take that long to
 *   propagate. `failureCode`/`failureReason` say why the last check did not verify.
 * - verified: the record was found once. Verification proves control of the domain at that
 *   time; a verified domain is not re-checked, and stays verified if the record is removed
 *   later (many admins remove it), so users already provisioned from the IdP keep working.
 * - failed: still not verified when the 48 hours ended; the reason names the last check's
 *   result. Checking again on demand starts a new 48-hour window.
 * One account per domain: the first account to verify a domain holds it. Another account may
 * add the same domain, but its checks report `claimed` (the record is there, the domain is
 * another account's) and it stays pending, then failed, like any other unverified domain,
 * unless the operator allows that account to share the domain (`setSharing`). Otherwise any
 * account that can publish one TXT record could provision users at another customer's domain.
 * The store's unique index decides between checks racing on several instances.
 * Lookups run outside store transactions; results are written compare-and-set, so a slow
 * check never overwrites a newer one (another instance's, or a verification).
 */
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { parseDomainName } from './domain-name.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { newEvent, SYSTEM_ACTOR } from './events.ts';
import { newId } from './ids.ts';
import type { Domain, DomainFailureCode, EventActor } from './model.ts';
import type { TxtLookup, TxtLookupResult } from './txt-lookup.ts';

/** The challenge lives under this label of the domain, like `_dmarc` or `_acme-challenge`. */
export const CHALLENGE_LABEL = '_roster-challenge';
const CHALLENGE_VALUE_PREFIX = 'roster-domain-verification=';
/** Seeds: "you may need to wait up to 48 hours for the new DNS information to propagate". */
export const VERIFICATION_WINDOW_MS = 48 * 60 * 60 * 1000;
/** Found values quoted in a wrong-value reason, and how much of each. */
const QUOTED_VALUES = 5;
const QUOTED_LENGTH = 120;

/** What one check found: verified, or why not. */
export type DomainCheckOutcome = 'verified' | DomainFailureCode;

export interface DomainCheck {
  /** The record as stored after the check. */
  readonly domain: Domain;
  readonly outcome: DomainCheckOutcome;
}

export interface RecheckSummary {
  readonly checked: number;
  readonly verified: number;
  /** Pending domains whose 48 hours ended without the record: now failed. */
  readonly failed: number;
}

const addMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

function quote(value: string): string {
  const shown = value.length > QUOTED_LENGTH ? `${value.slice(0, QUOTED_LENGTH)}…` : value;
  return JSON.stringify(shown);
}

/**
 * Whether a published record carries the value. DNS consoles differ on quoting: some store the
 * quotes an admin typed around the value as part of it, so one pair of surrounding quotes and
 * surrounding spaces are ignored; the value itself must match exactly.
 */
function carries(record: string, value: string): boolean {
  const trimmed = record.trim();
  const unquoted =
    trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
      ? trimmed.slice(1, -1).trim()
      : trimmed;
  return unquoted === value;
}

/** A claimed domain in words; the same wherever the claim is found (read or unique index). */
function claimedReason(domain: Domain): string {
  return (
    `domain claimed by another account: ${domain.domain} is verified for another Roster ` +
    'account, and a domain is verified for one account only (the first to verify it). ' +
    'If both accounts really belong to one organisation, ask the operator to allow this ' +
    'account to share the domain, then verify again'
  );
}

export function createDomains({
  store,
  clock,
  txtLookup,
}: {
  store: Store;
  clock: Clock;
  txtLookup: TxtLookup;
}) {
  async function assertAccount(accountId: string): Promise<void> {
    const account = await store.accounts.findById(accountId);
    assertThat(account, 'account.not_found', `account '${accountId}' does not exist`);
  }

  function parse(name: string): string {
    const parsed = parseDomainName(name);
    if (!parsed.ok) throw new DirectoryError('domain.invalid_name', parsed.error);
    return parsed.value.ascii;
  }

  async function find(accountId: string, name: string): Promise<Domain> {
    const ascii = parse(name);
    const domain = await store.domains.find(accountId, ascii);
    assertThat(
      domain,
      'domain.not_found',
      `the domain '${ascii}' has not been added to this account`,
    );
    return domain;
  }

  /** Looks the challenge up and says what was found, with the reason in words. */
  async function lookUp(
    domain: Domain,
  ): Promise<{ outcome: DomainCheckOutcome; reason: string | null }> {
    const host = domain.challengeHost;
    const expected = domain.challengeValue;
    const publish = `publish a TXT record at ${host} with the value ${quote(expected)}`;
    const result: TxtLookupResult = await txtLookup.lookupTxt(host);
    switch (result.kind) {
      case 'found': {
        if (result.records.some((record) => carries(record, expected))) {
          return { outcome: 'verified', reason: null };
        }
        const shown = result.records.slice(0, QUOTED_VALUES).map(quote).join(', ');
        const more =
          result.records.length > QUOTED_VALUES
            ? ` and ${result.records.length - QUOTED_VALUES} more`
            : '';
        return {
          outcome: 'wrong_value',
          reason:
            `the TXT record at ${host} has the wrong value: found ${shown}${more}, ` +
            `expected ${quote(expected)}; copy the value exactly`,
        };
      }
      case 'no_records':
        return { outcome: 'no_record', reason: `there is no TXT record at ${host}; ${publish}` };
      case 'nxdomain': {
        // The challenge name not existing is the usual "not published yet"; the domain itself
        // not existing is a misspelt domain (the seeds' first suggestion), so say which.
        const parent = await txtLookup.lookupTxt(domain.domain);
        return {
          outcome: 'nxdomain',
          reason:
            parent.kind === 'nxdomain'
              ? `the domain ${domain.domain} does not exist in DNS (NXDOMAIN); check its spelling`
              : `${host} does not exist in DNS (NXDOMAIN); ${publish}`,
        };
      }
      case 'timeout':
        return {
          outcome: 'timeout',
          reason: `no answer from ${txtLookup.resolverName} for ${host} in time (timeout)`,
        };
      case 'error':
        return {
          outcome: 'resolver_error',
          reason: `${txtLookup.resolverName} could not look up ${host}: ${result.code} (${result.message})`,
        };
    }
  }

  /**
   * Checks a domain and stores the result. `onDemand` checks restart an ended window; the
   * periodic job's checks end it. Returns the stored record, which is another check's result
   * when that one was written first.
   */
  async function check(before: Domain, onDemand: boolean, actor: EventActor): Promise<DomainCheck> {
    let { outcome, reason } = await lookUp(before);
    // Only a record that proves control reaches this point, so only the domain's owner learns
    // that another account holds it.
    if (outcome === 'verified' && (await claimedElsewhere(before))) {
      outcome = 'claimed';
      reason = claimedReason(before);
    }
    try {
      return await record(before, onDemand, outcome, reason, actor);
    } catch (error) {
      // Another account's check won the domain between the read above and this write (on this
      // instance or another one): the unique index refused ours.
      if (!(error instanceof ConflictError && error.constraint === 'domain.claimed')) throw error;
      return record(before, onDemand, 'claimed', claimedReason(before), actor);
    }
  }

  /** Whether another account holds the domain and this record may not share it. */
  async function claimedElsewhere(domain: Domain): Promise<boolean> {
    if (domain.sharingAllowed) return false;
    const holders = await store.domains.listVerified(domain.domain);
    return holders.some((holder) => holder.accountId !== domain.accountId);
  }

  /** Stores what one check found, compare-and-set; see `check`. */
  async function record(
    before: Domain,
    onDemand: boolean,
    outcome: DomainCheckOutcome,
    reason: string | null,
    actor: EventActor,
  ): Promise<DomainCheck> {
    const now = clock.now();
    let next: Domain;
    if (outcome === 'verified') {
      next = {
        ...before,
        state: 'verified',
        lastCheckedAt: now,
        verifiedAt: now,
        failureCode: null,
        failureReason: null,
        checkUntil: null,
      };
    } else {
      // Pending records from before check_until existed have their window from createdAt.
      const until = before.checkUntil ?? addMs(before.createdAt, VERIFICATION_WINDOW_MS);
      const windowOpen = before.state === 'pending' && now < until;
      if (windowOpen || onDemand) {
        next = {
          ...before,
          state: 'pending',
          lastCheckedAt: now,
          failureCode: outcome,
          failureReason: reason,
          checkUntil: windowOpen ? until : addMs(now, VERIFICATION_WINDOW_MS),
        };
      } else {
        next = {
          ...before,
          state: 'failed',
          lastCheckedAt: now,
          failureCode: outcome,
          failureReason: `not verified within 48 hours; last check: ${reason}`,
          checkUntil: null,
        };
      }
    }
    const expected = { state: before.state, lastCheckedAt: before.lastCheckedAt };
    const written =
      next.state === 'verified' && before.state !== 'verified'
        ? await store.transaction(async (session) => {
            if (!(await session.domains.update(next, expected))) return false;
            await session.events.append([
              newEvent(
                before.accountId,
                'domain.verified',
                `domain:${before.domain}`,
                { domain: before.domain },
                now,
                actor,
              ),
            ]);
            return true;
          })
        : await store.domains.update(next, expected);
    if (written) return { domain: next, outcome };
    const current = await store.domains.find(before.accountId, before.domain);
    assertThat(current, 'domain.not_found', `the domain '${before.domain}' was removed meanwhile`);
    return {
      domain: current,
      outcome: current.state === 'verified' ? 'verified' : (current.failureCode ?? outcome),
    };
  }

  return {
    /**
     * Adds a domain to the account as pending and returns it with its challenge: publish a TXT
     * record at `challengeHost` with the value `challengeValue`, then `verify`.
     */
    async add(accountId: string, name: string): Promise<Domain> {
      const ascii = parse(name);
      await assertAccount(accountId);
      const now = clock.now();
      const domain: Domain = {
        id: newId(),
        accountId,
        domain: ascii,
        state: 'pending',
        challengeHost: `${CHALLENGE_LABEL}.${ascii}`,
        challengeValue: CHALLENGE_VALUE_PREFIX + randomBytes(24).toString('base64url'),
        lastCheckedAt: null,
        verifiedAt: null,
        failureCode: null,
        failureReason: null,
        checkUntil: addMs(now, VERIFICATION_WINDOW_MS),
        sharingAllowed: false,
        createdAt: now,
      };
      try {
        await store.domains.insert(domain);
      } catch (error) {
        const existing = await store.domains.find(accountId, ascii);
        if (existing) {
          throw new DirectoryError(
            'domain.exists',
            `the domain '${ascii}' was already added to this account (${existing.state}); ` +
              `its TXT record is ${existing.challengeHost} = ${quote(existing.challengeValue)}`,
          );
        }
        throw error;
      }
      return domain;
    },

    /** The account's domains, oldest first. */
    async list(accountId: string): Promise<Domain[]> {
      await assertAccount(accountId);
      return store.domains.list(accountId);
    },

    get(accountId: string, name: string): Promise<Domain> {
      return find(accountId, name);
    },

    /**
     * Checks the domain's TXT record now. A verified domain is returned as it is, without a
     * lookup. Otherwise the outcome says what was found; the domain stays pending (and is
     * re-checked periodically for up to 48 hours) until the record is there.
     */
    async verify(
      accountId: string,
      name: string,
      options: { actor: EventActor },
    ): Promise<DomainCheck> {
      const domain = await find(accountId, name);
      if (domain.state === 'verified') return { domain, outcome: 'verified' };
      return check(domain, true, options.actor);
    },

    /**
     * The operator's setting: whether this account may verify the domain although another
     * account holds it. Taking the permission back from a verified record is refused while
     * another account holds the domain too (one of them would lose its users).
     */
    async setSharing(accountId: string, name: string, allowed: boolean): Promise<Domain> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await find(accountId, name);
        if (current.sharingAllowed === allowed) return current;
        const next: Domain = { ...current, sharingAllowed: allowed };
        try {
          const written = await store.domains.update(next, {
            state: current.state,
            lastCheckedAt: current.lastCheckedAt,
          });
          if (written) return next;
        } catch (error) {
          if (!(error instanceof ConflictError && error.constraint === 'domain.claimed')) {
            throw error;
          }
          throw new DirectoryError(
            'domain.claimed',
            `${current.domain} is verified for this account and for another one; sharing ` +
              'cannot be turned off while both hold it (one would stop provisioning its users): ' +
              'remove the domain from one of them first',
          );
        }
        // A check wrote meanwhile: read it and apply the setting over its result.
      }
      throw new DirectoryError(
        'domain.contended',
        `the domain '${name}' is being checked right now; try again`,
      );
    },

    /** Removes the domain from the account; its users can no longer be provisioned by SCIM. */
    async remove(accountId: string, name: string): Promise<void> {
      const ascii = parse(name);
      const removed = await store.domains.delete(accountId, ascii);
      assertThat(
        removed,
        'domain.not_found',
        `the domain '${ascii}' has not been added to this account`,
      );
    },

    /**
     * One pass of the periodic re-check: looks up pending domains of every account, least
     * recently checked first, at most `limit`; those whose 48 hours have ended without the
     * record become failed.
     */
    async recheckPending({
      limit = 100,
      concurrency = 4,
      signal,
    }: {
      limit?: number;
      concurrency?: number;
      /** Aborting ends the pass after the lookups in progress (for shutdown). */
      signal?: AbortSignal;
    } = {}): Promise<RecheckSummary> {
      const due = await store.domains.listByState('pending', limit);
      let checked = 0;
      let verified = 0;
      let failed = 0;
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < due.length && !signal?.aborted; i = next++) {
          checked++;
          try {
            const { domain } = await check(due[i] as Domain, false, SYSTEM_ACTOR);
            if (domain.state === 'verified') verified++;
            else if (domain.state === 'failed') failed++;
          } catch (error) {
            // Removed by an admin while it was being looked up: nothing left to record.
            if (!(error instanceof DirectoryError && error.code === 'domain.not_found'))
              throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
      return { checked, verified, failed };
    },
  };
}

export type Domains = ReturnType<typeof createDomains>;
