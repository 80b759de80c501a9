/**
 * Destructive commands ask first on a terminal (issue 13): `users delete`, `token revoke`,
 * `app uninstall`, `domain remove` (and admin-keys revoke, app remove, permission-sets and teams
 * delete, groups unmap). Answering no changes nothing; `--yes` skips the question. Outside a
 * terminal nothing asks (test/cli/commands.test.ts deletes and revokes without --yes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, type ServerProcess, startServer } from '../helpers/server-process.ts';
import { hasTmux, terminal } from '../helpers/terminal.ts';

const OPERATOR_KEY = 'confirm-test-operator-key-0123456789';

describe.skipIf(!hasTmux)('destructive commands on a terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-confirm-'));
  let server: ServerProcess;
  let demo = '';
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.origin}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${OPERATOR_KEY}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as never };
  };
  const roster = (args: string) =>
    terminal(
      `ROSTER_CONFIG_DIR=${join(home, 'config')} ${process.execPath} --import tsx ${MAIN} ` +
        `${args} --url ${server.origin} --key ${OPERATOR_KEY} --account ${demo}`,
    );

  beforeAll(async () => {
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
    });
    const { body } = await api('GET', '/accounts');
    demo = (body as { items: { id: string }[] }).items[0]?.id as string;
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('users delete asks; no keeps the user, yes deletes it', async () => {
    await api('POST', `/accounts/${demo}/users`, { email: 'kept@example.com' });
    const no = roster('users delete kept@example.com');
    try {
      await no.waitFor('Delete kept@example.com from Roster?');
      no.press('Enter'); // the default answer is No
      const screen = await no.waitFor(/exit=\d+/);
      expect(screen).toContain('nothing was changed');
      expect(screen).toContain('exit=1');
    } finally {
      no.close();
    }
    const still = await api('GET', `/accounts/${demo}/users?email=kept@example.com`);
    expect((still.body as { total: number }).total).toBe(1);

    const yes = roster('users delete kept@example.com');
    try {
      await yes.waitFor('Delete kept@example.com from Roster?');
      yes.press('Left'); // to Yes
      yes.press('Enter');
      const screen = await yes.waitFor(/exit=\d+/);
      expect(screen).toContain('Deleted kept@example.com');
      expect(screen).toContain('exit=0');
    } finally {
      yes.close();
    }
    const gone = await api('GET', `/accounts/${demo}/users?email=kept@example.com`);
    expect((gone.body as { total: number }).total).toBe(0);
  });

  it('--yes skips the question: token revoke, domain remove', async () => {
    const { body: tokens } = await api('GET', `/accounts/${demo}/tokens`);
    const token = (tokens as { items: { id: string }[] }).items[0]?.id as string;
    const revoke = roster(`token revoke ${token} --yes`);
    try {
      const screen = await revoke.waitFor(/exit=\d+/);
      expect(screen).toContain('exit=0');
      expect(screen).not.toContain('Revoke the token');
    } finally {
      revoke.close();
    }
    const { body: after } = await api('GET', `/accounts/${demo}/tokens`);
    expect((after as { items: { id: string; state: string }[] }).items[0]?.state).toBe('revoked');

    const remove = roster('domain remove example.com');
    try {
      await remove.waitFor('Remove example.com?');
      remove.press('C-c');
      const screen = await remove.waitFor(/exit=\d+/);
      expect(screen).toContain('exit=1');
    } finally {
      remove.close();
    }
    expect((await api('GET', `/accounts/${demo}/domains/example.com`)).status).toBe(200);
  });

  it('app uninstall asks before revoking every token', async () => {
    const term = roster('app uninstall');
    try {
      await term.waitFor('Uninstall the SCIM app?');
      term.press('Enter');
      await term.waitFor(/exit=\d+/);
    } finally {
      term.close();
    }
    const { body: app } = await api('GET', `/accounts/${demo}/scim-app`);
    expect((app as { installed: boolean }).installed).toBe(true);
  });
});
