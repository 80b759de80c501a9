/**
 * `roster login`: checks a server URL and admin key against the server (GET /me) and saves them
 * as a profile, with the key's account when it is an account admin key. `roster profiles`
 * lists and selects saved profiles; `roster logout` forgets one.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { CliError, print, printJson, printList, table } from '../output.ts';
import { readProfiles, saveProfile, writeProfiles } from '../profiles.ts';

interface Caller {
  kind: 'operator' | 'account';
  accountId: string | null;
  prefix: string | null;
}

async function login(ctx: CliContext, options: { name?: string }): Promise<void> {
  const { key } = ctx.connection();
  const client = ctx.client();
  const caller = (await client.request('GET', '/me')) as Caller;
  let account = caller.accountId;
  const requested = ctx.accountOption;
  if (caller.kind === 'account' && requested && requested !== caller.accountId) {
    throw new CliError(
      `this key belongs to account ${caller.accountId}; it cannot act on ${requested}`,
    );
  }
  if (caller.kind === 'operator' && requested) {
    await client.request('GET', `/accounts/${encodeURIComponent(requested)}`);
    account = requested;
  }
  const name = options.name ?? ctx.profileName ?? 'default';
  const path = saveProfile(ctx.configDir, name, { url: client.url, key, account });
  if (ctx.json) {
    printJson({ profile: name, url: client.url, kind: caller.kind, account, file: path });
    return;
  }
  const who =
    caller.kind === 'operator' ? 'the operator key' : `an admin key of account ${account}`;
  print(`Logged in to ${client.url} with ${who}.`);
  print(`Profile '${name}' saved to ${path} and selected.`);
  if (caller.kind === 'operator' && !account) {
    print('Next: roster init (creates an account and a profile for it).');
  }
}

/** What the server itself shows of a generated key (its kind and 6 more); nothing of others. */
function keyPrefix(key: string): string {
  const kind = /^roster_(admin|operator)_/.exec(key)?.[0];
  return kind ? `${key.slice(0, kind.length + 6)}…` : '(chosen key)';
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('check a server URL and admin key, and save them as a profile')
    .option('--name <profile>', 'profile name (default: the --profile given, else "default")')
    .addHelpText(
      'after',
      '\nExample: roster login --url http://127.0.0.1:8080 --key roster_admin_…\n' +
        'Profiles live in $ROSTER_CONFIG_DIR, else $XDG_CONFIG_HOME/roster, else ~/.config/roster.',
    )
    .action(remote(login, { newProfile: true }));

  program
    .command('logout')
    .description('forget a saved profile (default: the current one)')
    .action(
      remote(async (ctx) => {
        const file = readProfiles(ctx.configDir);
        const name = ctx.profileName;
        if (!name || !file.profiles[name]) throw new CliError('no profile to forget');
        const { [name]: _gone, ...rest } = file.profiles;
        writeProfiles(ctx.configDir, {
          current: file.current === name ? null : file.current,
          profiles: rest,
        });
        if (!ctx.json) print(`Profile '${name}' forgotten.`);
        else printJson({ removed: name });
      }),
    );

  const profiles = program.command('profiles').description('saved profiles');
  profiles
    .command('list', { isDefault: true })
    .description('list saved profiles (keys are never printed)')
    .action(
      remote(async (ctx) => {
        const file = readProfiles(ctx.configDir);
        const rows = Object.entries(file.profiles).map(([name, p]) => ({
          name,
          current: name === file.current,
          url: p.url,
          account: p.account,
          keyPrefix: keyPrefix(p.key),
        }));
        if (ctx.json) return printList(rows, null, { current: file.current });
        if (rows.length === 0)
          return print('No profiles yet: roster login --url <url> --key <key>');
        print(
          table(
            ['', 'NAME', 'URL', 'ACCOUNT', 'KEY'],
            rows.map((r) => [r.current ? '*' : '', r.name, r.url, r.account ?? '-', r.keyPrefix]),
          ),
        );
      }),
    );
  profiles
    .command('use <name>')
    .description('select a saved profile')
    .action(
      remote(async (ctx, name: string) => {
        const file = readProfiles(ctx.configDir);
        if (!file.profiles[name]) throw new CliError(`no profile named '${name}'`);
        writeProfiles(ctx.configDir, { ...file, current: name });
        if (ctx.json) printJson({ current: name });
        else print(`Profile '${name}' selected.`);
      }),
    );
}
