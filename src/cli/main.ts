/**
 * The `roster` command line. `serve` runs the server over a database; every other command talks
 * to a running server through the admin API (`--url` and `--key`, or a profile saved by
 * `roster login`). Failures exit non-zero with a one-line reason on stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, type Command as CommandType, Option } from 'commander';
import { ConfigError } from '../config.ts';
import { didYouMean } from '../directory/did-you-mean.ts';
import { ApiError } from './api-client.ts';
import { registerAccounts } from './commands/accounts.ts';
import { registerApp } from './commands/app.ts';
import { registerDomain } from './commands/domain.ts';
import { registerEvents } from './commands/events.ts';
import { registerGroups } from './commands/groups.ts';
import { registerInit } from './commands/init.ts';
import { registerLog } from './commands/log.ts';
import { registerLogin } from './commands/login.ts';
import { registerPermissionSets, registerPermissions } from './commands/permission-sets.ts';
import { registerProject } from './commands/project.ts';
import { registerScim } from './commands/scim.ts';
import { registerUsers } from './commands/users.ts';
import { registerWebhooks } from './commands/webhooks.ts';
import { CliError } from './output.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };
// Compiled (`npm run build`, bin/roster.js then runs dist/) or through tsx from src/.
const runs = import.meta.url.endsWith('.js') ? 'compiled' : 'from source';

const program = new Command()
  .name('roster')
  .description('User directory with SCIM 2.0 provisioning')
  .version(
    `roster ${version} (${runs}, node ${process.versions.node})`,
    '-v, --version',
    'print the version',
  )
  .configureOutput({ outputError: (text, write) => write(cliErrorText(text)) })
  .option('--url <url>', 'server URL, e.g. http://127.0.0.1:8080 (default: the profile’s)')
  .option(
    '--key <key>',
    'admin key: the operator key or an account admin key (default: the profile’s)',
  )
  .option('--profile <name>', 'saved profile to use (default: the selected one; roster profiles)')
  .option('-a, --account <id>', 'account to act on (default: the profile’s)')
  .option('--json', 'print JSON for scripts instead of tables');

const databaseHelp = 'database file path, sqlite: URL or postgres:// URL (env ROSTER_DATABASE_URL)';

program
  .command('serve')
  .description('start the server (migrates the database; creates the demo account when empty)')
  .option('-p, --port <port>', 'port to listen on (env ROSTER_PORT, default 8080)')
  .option('-H, --host <host>', 'address to listen on (env ROSTER_HOST, default 127.0.0.1)')
  .option('-d, --database <url>', databaseHelp)
  .addOption(
    new Option(
      '--demo-token <token>',
      'make the demo account accept this exact token, at least 32 characters; prefer env ROSTER_DEMO_TOKEN (arguments show in process listings)',
    ),
  )
  // Loaded only to serve: the database drivers and the server cost every other command's start.
  .action(async (options) => (await import('./commands/serve.ts')).serveCommand(options));

registerLogin(program);
registerInit(program);
registerAccounts(program);
registerProject(program);
registerApp(program);
registerDomain(program);
registerUsers(program);
registerPermissionSets(program);
registerPermissions(program);
registerGroups(program);
registerScim(program);
registerLog(program);
registerEvents(program);
registerWebhooks(program);

/** Commander's `error: …` lines, in the one-line style of every other failure. */
function cliErrorText(text: string): string {
  return `roster: ${text
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.+)\?\)/, ' (did you mean $1?)')
    // A token or key prefix is random and starts with '-' one time in 64: say how to pass it.
    .replace(
      /^unknown option '(-[^-'][^']+)'/,
      "unknown option '$1' (a value that starts with '-', such as a token prefix, goes after '--': -- $1)",
    )
    .trimEnd()}\n`;
}

function unknownCommand(command: CommandType, word: string): never {
  const names = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  command.error(`unknown command '${word}'${didYouMean(word, names)}`, {
    code: 'commander.unknownCommand',
  });
}

const pathOf = (command: CommandType): string =>
  command.parent ? `${pathOf(command.parent)} ${command.name()}` : command.name();

/**
 * A word that names no subcommand is an unknown command, with a suggestion, even where a noun
 * has a default subcommand (`roster users lisst` is not `roster users list lisst`); and after
 * an error, where to read about the command rather than all of its help.
 */
function guard(command: CommandType): void {
  command.showHelpAfterError(`(${pathOf(command)} --help for usage)`);
  if (command.commands.length > 0) {
    command.hook('preSubcommand', (parent, sub) => {
      const word = parent.args[0];
      if (word === undefined || word.startsWith('-')) return;
      if (word !== sub.name() && !sub.aliases().includes(word)) unknownCommand(parent, word);
    });
    // A noun with an action of its own (`roster log`): a stray word is a mistyped subcommand.
    command.allowExcessArguments(true);
    command.hook('preAction', (hooked, action) => {
      const word = hooked.args.find((arg) => !arg.startsWith('-'));
      if (action === hooked && word !== undefined) unknownCommand(hooked, word);
    });
  }
  for (const sub of command.commands) guard(sub);
}
guard(program);

// A reader that stops early (`roster users list | head -1`) closes the pipe; the rest of the
// output has nowhere to go, and other CLIs then end quietly rather than with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// `roster` alone shows what it can do; the server is `roster serve`.
if (process.argv.length <= 2) {
  program.outputHelp();
  process.exit(0);
}

function fail(message: string, details: readonly string[], exitCode: number): never {
  process.stderr.write(`roster: ${message}\n`);
  for (const line of details) process.stderr.write(`  ${line}\n`);
  process.exit(exitCode);
}

program.parseAsync().catch((error: unknown) => {
  if (error instanceof CliError) fail(error.message, error.details, error.exitCode);
  if (error instanceof ApiError) {
    // One line: the server's own reason and its stable code; per-field problems below it.
    const details = error.errors.map((e) => (e.pointer ? `${e.pointer}: ${e.message}` : e.message));
    fail(`${error.detail} (${error.code})`, error.status === 0 ? [] : details, 1);
  }
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  fail(message, [], 1);
});
