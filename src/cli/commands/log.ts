import { openDirectory, table } from '../open-directory.ts';

export interface LogOptions {
  readonly database?: string | undefined;
  readonly account?: string | undefined;
  readonly limit: string;
  readonly json?: boolean | undefined;
}

export async function logCommand(options: LogOptions): Promise<void> {
  const directory = await openDirectory(options.database);
  try {
    const events = await directory.provisioningLog.list({
      accountId: options.account,
      limit: Number.parseInt(options.limit, 10) || 50,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
      return;
    }
    if (events.length === 0) {
      process.stdout.write('No provisioning events yet.\n');
      return;
    }
    const rows = [...events]
      .reverse()
      .map((e) => [
        e.at,
        e.idp,
        e.operation,
        String(e.status),
        e.outcome,
        e.userId ?? '',
        e.explanation ?? '',
      ]);
    process.stdout.write(
      `${table(['TIME', 'IDP', 'OPERATION', 'STATUS', 'OUTCOME', 'USER', 'EXPLANATION'], rows)}\n`,
    );
  } finally {
    await directory.close();
  }
}
