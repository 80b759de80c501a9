/**
 * Saved connections of the `roster` CLI (`roster login`): a server URL, an admin key and
 * optionally the account it acts on, by profile name. Kept in `profiles.json` under the CLI
 * config directory (`cliConfigDir` in config.ts), readable by its owner only (0600): it holds
 * keys.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from './output.ts';

export const PROFILES_FILE = 'profiles.json';

const profileSchema = z.strictObject({
  url: z.url(),
  key: z.string().min(1),
  /** The account commands act on; none for an operator profile until one is chosen. */
  account: z.string().min(1).nullable().default(null),
});

const fileSchema = z.strictObject({
  current: z.string().nullable().default(null),
  profiles: z.record(z.string(), profileSchema).default({}),
});

export type Profile = z.infer<typeof profileSchema>;
export type ProfilesFile = z.infer<typeof fileSchema>;

export function profilesPath(configDir: string): string {
  return join(configDir, PROFILES_FILE);
}

export function readProfiles(configDir: string): ProfilesFile {
  const path = profilesPath(configDir);
  if (!existsSync(path)) return { current: null, profiles: {} };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '/'}: ${i.message}`);
    throw new CliError(`${path} is invalid: ${where.join('; ')}; fix or delete it`);
  }
  return parsed.data;
}

/** Written to a temporary file first and renamed: a crash never leaves half a file. */
export function writeProfiles(configDir: string, file: ProfilesFile): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const path = profilesPath(configDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is masked by the umask; make sure.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

export function saveProfile(
  configDir: string,
  name: string,
  profile: Profile,
  { select = true }: { select?: boolean } = {},
): string {
  const file = readProfiles(configDir);
  return writeProfiles(configDir, {
    current: select ? name : (file.current ?? name),
    profiles: { ...file.profiles, [name]: profile },
  });
}
