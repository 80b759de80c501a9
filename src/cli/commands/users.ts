import { openDirectory, table } from '../open-directory.ts';

export interface UsersOptions {
  readonly database?: string | undefined;
  readonly account?: string | undefined;
  readonly limit: string;
  readonly json?: boolean | undefined;
}

export async function usersCommand(options: UsersOptions): Promise<void> {
  const directory = await openDirectory(options.database);
  try {
    const accounts = options.account
      ? [await directory.accounts.findById(options.account)]
      : await directory.store.accounts.list();
    const limit = Number.parseInt(options.limit, 10) || 50;
    const rows = [];
    for (const account of accounts) {
      if (!account) throw new Error(`no account with id '${options.account}'`);
      const page = await directory.users.query({
        accountId: account.id,
        condition: { kind: 'all' },
        page: { kind: 'index', offset: 0, limit },
      });
      for (const user of page.users) rows.push({ account: account.name, user });
    }
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(
          rows.map((r) => ({ account: r.account, ...r.user })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('No users yet.\n');
      return;
    }
    const lines = rows.map(({ account, user }) => [
      account,
      user.id,
      user.userName,
      user.email ?? '',
      [user.givenName, user.familyName].filter(Boolean).join(' '),
      user.active ? 'active' : 'deactivated',
      user.managedBy,
      user.updatedAt,
    ]);
    process.stdout.write(
      `${table(['ACCOUNT', 'ID', 'USERNAME', 'EMAIL', 'NAME', 'STATUS', 'MANAGED BY', 'UPDATED'], lines)}\n`,
    );
  } finally {
    await directory.close();
  }
}
