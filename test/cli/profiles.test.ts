/** Where the CLI keeps its profiles, and that they stay private and valid. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/output.ts';
import { readProfiles, saveProfile } from '../../src/cli/profiles.ts';
import { cliConfigDir } from '../../src/config.ts';

describe('cliConfigDir', () => {
  it('prefers ROSTER_CONFIG_DIR, then an absolute XDG_CONFIG_HOME, then ~/.config', () => {
    expect(cliConfigDir({ ROSTER_CONFIG_DIR: '/etc/r', XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe(
      '/etc/r',
    );
    expect(cliConfigDir({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/roster');
    // XDG Base Directory: a relative path is invalid and ignored.
    expect(cliConfigDir({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe('/home/u/.config/roster');
    expect(cliConfigDir({}, '/home/u')).toBe('/home/u/.config/roster');
  });
});

describe('profiles.json', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is written 0600, keeps other profiles, and selects the saved one', () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-profiles-'));
    const configDir = join(dir, 'nested', 'roster');
    const a = { url: 'http://a.test', key: 'key-a', account: null };
    const b = { url: 'http://b.test', key: 'key-b', account: 'acct-1' };
    const path = saveProfile(configDir, 'a', a);
    chmodSync(path, 0o644);
    saveProfile(configDir, 'b', b);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o077).toBe(0);
    expect(readProfiles(configDir)).toEqual({ current: 'b', profiles: { a, b } });
    saveProfile(configDir, 'a', { ...a, key: 'key-a2' }, { select: false });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.current).toBe('b');
    expect(file.profiles.a.key).toBe('key-a2');
  });

  it('refuses a damaged file with its path and what is wrong, instead of guessing', () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-profiles-'));
    const path = join(dir, 'profiles.json');
    writeFileSync(path, '{"current": "a", ');
    expect(() => readProfiles(dir as string)).toThrow(CliError);
    expect(() => readProfiles(dir as string)).toThrow(`${path} is not valid JSON`);
    writeFileSync(path, JSON.stringify({ profiles: { a: { url: 'not a url', key: 'k' } } }));
    expect(() => readProfiles(dir as string)).toThrow(/profiles\.a\.url: .*fix or delete it/);
    expect(readProfiles(join(dir, 'missing'))).toEqual({ current: null, profiles: {} });
  });
});
