/**
 * Turns the drivers' unique-violation errors into `ConflictError`. PostgreSQL names the violated
 * index (error 23505, `constraint`); SQLite's message lists the index's columns instead
 * ("UNIQUE constraint failed: users.account_id, users.user_name_lower"), so each rule is known by
 * both.
 */
import { ConflictError } from '../errors.ts';

interface UniqueRule {
  readonly constraint: string;
  readonly index: string;
  /** The last column of the index as SQLite reports it. */
  readonly sqliteColumn: string;
  /** Every column SQLite reports, when the last one alone names another index too. */
  readonly sqliteColumns?: string;
}

const rules: readonly UniqueRule[] = [
  // Before 'domain.domain', whose (account_id, domain) index also ends in domains.domain.
  {
    constraint: 'domain.claimed',
    index: 'domains_verified_claim',
    sqliteColumn: 'domains.domain',
    sqliteColumns: 'domains.domain',
  },
  {
    constraint: 'user.userName',
    index: 'users_user_name_unique',
    sqliteColumn: 'users.user_name_lower',
  },
  { constraint: 'user.email', index: 'users_email_unique', sqliteColumn: 'users.email_lower' },
  {
    constraint: 'permissionSet.name',
    index: 'permission_sets_name_unique',
    sqliteColumn: 'permission_sets.name',
  },
  {
    constraint: 'group.displayName',
    index: 'groups_display_name_unique',
    sqliteColumn: 'groups.display_name_lower',
  },
  { constraint: 'domain.domain', index: 'domains_domain_unique', sqliteColumn: 'domains.domain' },
  // A column-level UNIQUE: PostgreSQL names it <table>_<column>_key.
  { constraint: 'token.hash', index: 'access_tokens_hash_key', sqliteColumn: 'access_tokens.hash' },
  {
    constraint: 'scimApp.account',
    index: 'scim_apps_account_unique',
    sqliteColumn: 'scim_apps.account_id',
  },
  { constraint: 'team.name', index: 'teams_name_unique', sqliteColumn: 'teams.name' },
  { constraint: 'adminKey.hash', index: 'admin_keys_hash_unique', sqliteColumn: 'admin_keys.hash' },
];

function ruleFor(error: unknown): UniqueRule | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return rules.find((rule) => rule.index === e.constraint);
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string') {
    const listed = e.message.replace(/^UNIQUE constraint failed: /, '');
    const columns = listed.split(', ');
    return rules.find((rule) =>
      rule.sqliteColumns !== undefined
        ? listed === rule.sqliteColumns
        : columns.at(-1) === rule.sqliteColumn,
    );
  }
  return undefined;
}

/** Runs `write`, rethrowing a known unique violation as `ConflictError`. */
export async function mapConflicts<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const rule = ruleFor(error);
    if (rule) throw new ConflictError(rule.constraint, { cause: error });
    throw error;
  }
}
