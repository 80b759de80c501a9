/**
 * `roster init` as a person runs it: in a real terminal (a tmux pane, so @clack/prompts sees a
 * TTY), answering its prompts with keystrokes. Checks what the prompts lead to (the account the
 * server holds, the profile saved) and that cancelling creates nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, type ServerProcess, startServer } from '../helpers/server-process.ts';
import { hasTmux, terminal } from '../helpers/terminal.ts';

if (!hasTmux) console.warn('tmux is not installed: the interactive `roster init` test is skipped');

const OPERATOR_KEY = 'init-test-operator-key-0123456789';

describe.skipIf(!hasTmux)('roster init in a terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-init-'));
  const configDir = join(home, 'config');
  let server: ServerProcess;
  const init = () =>
    terminal(
      `ROSTER_CONFIG_DIR=${configDir} ${process.execPath} --import tsx ${MAIN} init ` +
        `--url ${server.origin} --key ${OPERATOR_KEY}`,
    );
  const accounts = async () => {
    const response = await fetch(`${server.origin}/api/v1/accounts`, {
      headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
    });
    return ((await response.json()) as { items: { name: string }[] }).items.map((a) => a.name);
  };

  beforeAll(async () => {
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('asks, insists on a name, creates the account it was told to, and saves the profile', async () => {
    const term = init();
    try {
      await term.waitFor('Account name');
      term.press('Enter');
      await term.waitFor('The account needs a name');
      term.type('Acme Terminal');
      term.press('Enter');
      // The plan list starts on enterprise: one up is professional.
      await term.waitFor('Plan (SCIM needs professional or enterprise)');
      term.press('Up');
      term.press('Enter');
      // The pricing list starts on classic: one down is seats.
      await term.waitFor('Pricing model');
      term.press('Down');
      term.press('Enter');
      await term.waitFor('Is single sign-on (SSO) enabled?');
      term.press('Enter');
      await term.waitFor('Save the connection as profile');
      term.press('Enter');
      const screen = await term.waitFor(/exit=\d+/);
      expect(screen).toContain('exit=0');
      expect(screen).toContain('Account created');
      expect(screen).toContain('professional, seats pricing, SSO on');
      expect(screen).toContain('roster project create --name scim-app --features scim');
    } finally {
      term.close();
    }
    const saved = JSON.parse(readFileSync(join(configDir, 'profiles.json'), 'utf8')) as {
      current: string;
      profiles: Record<string, { url: string; key: string; account: string }>;
    };
    expect(saved.current).toBe('acme-terminal');
    const profile = saved.profiles['acme-terminal'];
    expect(profile?.url).toBe(server.origin);
    // The saved key is the new account's own admin key, and the account is what was chosen.
    const account = await fetch(`${server.origin}/api/v1/accounts/${profile?.account}`, {
      headers: { Authorization: `Bearer ${profile?.key}` },
    });
    expect(account.status).toBe(200);
    expect(await account.json()).toMatchObject({
      name: 'Acme Terminal',
      tier: 'professional',
      pricingModel: 'seats',
      ssoEnabled: true,
    });
  });

  it('with an account admin key, says it needs the operator key before asking anything', async () => {
    const created = await fetch(`${server.origin}/api/v1/accounts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OPERATOR_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Keyholder' }),
    });
    const { id } = (await created.json()) as { id: string };
    const issued = await fetch(`${server.origin}/api/v1/accounts/${id}/admin-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OPERATOR_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'not the operator' }),
    });
    const { key } = (await issued.json()) as { key: string };
    const term = terminal(
      `ROSTER_CONFIG_DIR=${configDir} ${process.execPath} --import tsx ${MAIN} init ` +
        `--url ${server.origin} --key ${key}`,
    );
    try {
      const screen = await term.waitFor(/exit=\d+/);
      expect(screen).toContain('needs the operator key');
      expect(screen).toContain('exit=1');
      expect(screen).not.toContain('Account name');
    } finally {
      term.close();
    }
  });

  it('Ctrl-C at a prompt creates nothing and exits with 130', async () => {
    const before = await accounts();
    const term = init();
    try {
      await term.waitFor('Account name');
      term.type('Never Created');
      term.press('Enter');
      await term.waitFor('Plan (SCIM needs professional or enterprise)');
      term.press('C-c');
      const screen = await term.waitFor(/exit=\d+/);
      expect(screen).toContain('Nothing was created.');
      expect(screen).toContain('exit=130');
    } finally {
      term.close();
    }
    expect(await accounts()).toEqual(before);
    expect(before).not.toContain('Never Created');
  });
});
