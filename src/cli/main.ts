/** The `roster` command line. */
import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { logCommand } from './commands/log.ts';
import { serveCommand } from './commands/serve.ts';
import { usersCommand } from './commands/users.ts';

const program = new Command()
  .name('roster')
  .description('User directory with SCIM 2.0 provisioning')
  .showHelpAfterError();

const databaseHelp = 'database file path, sqlite: URL or postgres:// URL (env ROSTER_DATABASE_URL)';

program
  .command('serve', { isDefault: true })
  .description('start the server (migrates the database; creates the demo account when empty)')
  .option('-p, --port <port>', 'port to listen on (env ROSTER_PORT, default 8080)')
  .option('-H, --host <host>', 'address to listen on (env ROSTER_HOST, default 127.0.0.1)')
  .option('-d, --database <url>', databaseHelp)
  .option(
    '--demo-token <token>',
    'make the demo account accept this exact token (env ROSTER_DEMO_TOKEN)',
  )
  .action(serveCommand);

program
  .command('users')
  .description('list users')
  .option('-d, --database <url>', databaseHelp)
  .option('-a, --account <id>', 'only this account')
  .option('-n, --limit <n>', 'at most this many users per account', '50')
  .option('--json', 'print JSON')
  .action(usersCommand);

program
  .command('log')
  .description('print recent provisioning events (one per SCIM request), oldest first')
  .option('-d, --database <url>', databaseHelp)
  .option('-a, --account <id>', 'only this account')
  .option('-n, --limit <n>', 'how many recent events', '50')
  .option('--json', 'print JSON')
  .action(logCommand);

program.parseAsync().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`roster: ${message}\n`);
  process.exit(1);
});
