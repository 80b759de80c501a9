/**
 * `roster project validate` and `upload` read only regular files inside the project folder. A
 * project file that is a symbolic link, or that resolves outside the folder (a linked `scim/`
 * directory), is refused before anything is read or sent: an upload once followed a link to
 * `profiles.json` and sent the admin key it holds to the server, which kept it in the audit
 * trail of the failed upload.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../helpers/server-process.ts';

const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const SECRET_KEY = 'roster_admin_this-key-must-never-leave-the-machine-0123456789';

function roster(args: readonly string[], cwd: string, configDir: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, ...args],
      { cwd, env: { ...process.env, ROSTER_CONFIG_DIR: configDir } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: number }).code : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

describe('roster project reads regular files inside the project only', { timeout: 60_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-project-files-'));
  const configDir = join(home, 'config');
  mkdirSync(configDir);
  const profiles = join(configDir, 'profiles.json');
  writeFileSync(
    profiles,
    JSON.stringify({
      current: 'default',
      profiles: { default: { url: 'http://127.0.0.1:9', key: SECRET_KEY } },
    }),
  );
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const create = async (name: string) => {
    const made = await roster(['project', 'create', '--name', name], home, configDir);
    expect(made.code, made.stderr).toBe(0);
    return join(home, name);
  };

  it('refuses a project file that is a symbolic link, before reading or sending it', async () => {
    const project = await create('linked-file');
    const file = join(project, 'src/app/app-hsmeta.json');
    rmSync(file);
    symlinkSync(profiles, file);
    for (const args of [
      ['project', 'validate', '--dir', project],
      // No server listens there: the refusal must come before any request.
      [
        'project',
        'upload',
        '--dir',
        project,
        '--url',
        'http://127.0.0.1:9',
        '--key',
        'x'.repeat(24),
      ],
    ]) {
      const run = await roster(args, home, configDir);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(/app-hsmeta\.json is a symbolic link/);
      expect(run.stderr + run.stdout).not.toContain(SECRET_KEY);
      expect(run.stderr).not.toMatch(/ECONNREFUSED|could not reach|fetch failed/i);
    }
  });

  it('refuses a project file that resolves outside the project folder', async () => {
    const project = await create('linked-dir');
    const outside = join(home, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'scim-hsmeta.json'), JSON.stringify({ key: SECRET_KEY }));
    const scimDir = join(project, 'src/app/scim');
    rmSync(scimDir, { recursive: true });
    symlinkSync(outside, scimDir);
    const run = await roster(['project', 'validate', '--dir', project], home, configDir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/scim-hsmeta\.json resolves to .* outside the project folder/);
    expect(run.stderr + run.stdout).not.toContain(SECRET_KEY);
  });
});
