/**
 * What every remote command starts from: the global options (`--url`, `--key`, `--profile`,
 * `--account`, `--json`) over the saved profile, resolved into an admin API client and the
 * account to act on.
 */
import type { Command } from 'commander';
import { cliConfigDir } from '../config.ts';
import { type ApiClient, createApiClient } from './api-client.ts';
import { CliError } from './output.ts';
import { type Profile, readProfiles } from './profiles.ts';

export interface GlobalOptions {
  readonly url?: string | undefined;
  readonly key?: string | undefined;
  readonly profile?: string | undefined;
  readonly account?: string | undefined;
  readonly json?: boolean | undefined;
}

export interface CliContext {
  readonly json: boolean;
  readonly configDir: string;
  /** The profile in use, if any ('default'...). */
  readonly profileName: string | undefined;
  readonly profile: Profile | undefined;
  /** The URL and key in use: flags over the profile; a clear error when either is missing. */
  readonly connection: () => { readonly url: string; readonly key: string };
  readonly client: () => ApiClient;
  /** `--account`, else the profile's account, else undefined. */
  readonly accountOption: string | undefined;
  /** The account to act on: `--account`, else the profile's; a clear error when neither. */
  readonly accountId: () => string;
  /** `/accounts/{id}` of that account, for paths. */
  readonly accountPath: (suffix?: string) => string;
}

export function cliContext(
  options: GlobalOptions,
  { newProfile = false }: { newProfile?: boolean } = {},
): CliContext {
  const configDir = cliConfigDir();
  const file = readProfiles(configDir);
  const profileName = options.profile ?? file.current ?? undefined;
  const profile = profileName === undefined ? undefined : file.profiles[profileName];
  // `roster login --profile new` names the profile it is about to save.
  const creating = newProfile && options.profile !== undefined && !profile;
  if (options.profile !== undefined && !profile && !creating) {
    const known = Object.keys(file.profiles);
    throw new CliError(
      `no profile named '${options.profile}'` +
        (known.length > 0 ? ` (saved: ${known.join(', ')})` : '; save one with roster login'),
    );
  }
  const accountOption = options.account ?? profile?.account ?? undefined;
  const accountId = () => {
    const id = accountOption;
    if (!id) {
      throw new CliError(
        'which account? pass --account <id> (roster accounts list), or use a profile bound to ' +
          'an account (roster init, or roster login --account <id>)',
      );
    }
    return id;
  };
  const connection = () => {
    const url = options.url ?? profile?.url;
    const key = options.key ?? profile?.key;
    if (!url || !key) {
      throw new CliError(
        'not connected to a server: run roster login --url <server URL> --key <admin key>, ' +
          'or pass --url and --key',
      );
    }
    return { url, key };
  };
  return {
    json: options.json === true,
    configDir,
    profileName: profile || creating ? profileName : undefined,
    profile,
    connection,
    client: () => createApiClient(connection()),
    accountOption,
    accountId,
    accountPath: (suffix = '') => `/accounts/${encodeURIComponent(accountId())}${suffix}`,
  };
}

/**
 * Wraps a command action: builds the context from the options of the command and every parent,
 * and passes the command's own arguments through.
 */
export function remote<A extends unknown[]>(
  run: (ctx: CliContext, ...args: A) => Promise<void>,
  contextOptions: { newProfile?: boolean } = {},
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const ctx = cliContext(command.optsWithGlobals() as GlobalOptions, contextOptions);
    await run(ctx, ...(args.slice(0, -1) as A));
  };
}

/** The options of the command itself (after its arguments), as commander passes them. */
export function optionsOf<T>(args: readonly unknown[]): T {
  return (args.at(-1) as Command).opts() as T;
}

/** For commands that need no server (project create and validate): no profile is read. */
export function local<A extends unknown[]>(
  run: (ctx: { readonly json: boolean }, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const { json } = command.optsWithGlobals() as GlobalOptions;
    await run({ json: json === true }, ...(args.slice(0, -1) as A));
  };
}
