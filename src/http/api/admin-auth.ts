/**
 * Who is calling, and may they touch this account. Keys travel as `Authorization: Bearer <key>`.
 * Another account's resources answer exactly as a missing account does (404), so a key never
 * learns which accounts exist.
 */
import type { Context } from 'hono';
import type { Accounts } from '../../directory/accounts.ts';
import type { AdminCaller, AdminKeys } from '../../directory/admin-keys.ts';
import type { Account } from '../../directory/model.ts';
import '../request-context.ts';
import { ApiProblem } from './problem-response.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Roster admin API"' };

export async function authenticateCaller(c: Context, keys: AdminKeys): Promise<AdminCaller> {
  const header = c.req.header('authorization');
  if (!header) {
    c.set('failedAuthReason', 'missing');
    throw new ApiProblem(
      401,
      'auth.missing_key',
      'send an admin key as "Authorization: Bearer <key>" (the operator key, or an account admin key)',
      { headers: CHALLENGE },
    );
  }
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  const caller = match?.[1] ? await keys.authenticate(match[1]) : undefined;
  if (!caller) {
    c.set('failedAuthReason', match?.[1] ? 'unknown' : 'malformed');
    throw new ApiProblem(
      401,
      'auth.invalid_key',
      'the admin key is not valid: it is unknown or revoked',
      { headers: CHALLENGE },
    );
  }
  return caller;
}

export function requireOperator(caller: { readonly kind: string }): void {
  if (caller.kind !== 'operator') {
    throw new ApiProblem(
      403,
      'auth.operator_only',
      'only the operator key may do this; account admin keys act within their own account',
    );
  }
}

export function accountNotFound(accountId: string): ApiProblem {
  return new ApiProblem(404, 'account.not_found', `no account with id '${accountId}'`);
}

/** The account in the path, if the caller may act on it; else the same 404 as a missing one. */
export async function accessibleAccount(
  caller: AdminCaller,
  accountId: string,
  accounts: Accounts,
): Promise<Account> {
  if (caller.kind === 'account' && caller.accountId !== accountId) {
    throw accountNotFound(accountId);
  }
  const account = await accounts.findById(accountId);
  if (!account) throw accountNotFound(accountId);
  return account;
}
