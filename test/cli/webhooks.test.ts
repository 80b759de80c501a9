/**
 * `roster webhooks …` as separate processes against a real server, with a webhook receiver on
 * loopback: create prints the secret once, endpoints are named by URL or description, the test
 * event and the delivery log, disable and re-enable, redeliver, delete, and `--json` lists.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';
import { type Receiver, startReceiver } from '../webhooks/webhook-kit.ts';

const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const OPERATOR_KEY = 'webhooks-cli-operator-key-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('roster webhooks', { timeout: 120_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'roster-webhooks-cli-'));
  const configDir = join(home, 'config');
  let server: ServerProcess;
  let receiver: Receiver;

  const roster = (args: readonly string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd: home, env: { ...process.env, ROSTER_CONFIG_DIR: configDir } },
        (error, stdout, stderr) => {
          const code = error ? (error as { code?: number }).code : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });
  const ok = async (args: readonly string[]): Promise<string> => {
    const result = await roster(args);
    expect(result.code, `roster ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const json = async (args: readonly string[]) => JSON.parse(await ok([...args, '--json']));

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startServer(['--database', join(home, 'roster.db')], {
      ROSTER_ADMIN_KEY: OPERATOR_KEY,
      ROSTER_DOMAIN_RECHECK_SECONDS: '0',
    });
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY]);
    const demo = (await json(['accounts', 'list'])).items[0].id;
    await ok(['login', '--url', server.origin, '--key', OPERATOR_KEY, '--account', demo]);
  }, 120_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await receiver?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates, tests, disables, re-enables, redelivers and deletes an endpoint by its names', async () => {
    const url = `${receiver.url}/cli`;
    const created = await ok([
      'webhooks',
      'create',
      url,
      '--types',
      'user.created,user.deactivated',
      '--description',
      'billing app',
    ]);
    const secret = /Secret:\s+(whsec_\S+)/.exec(created)?.[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(created).toContain('shown this once');
    const created2 = await roster(['webhooks', 'create', 'ftp://nope.example.com/']);
    expect(created2.code).not.toBe(0);
    expect(created2.stderr).toContain("must be an http or https URL; got 'ftp'");
    const typo = await roster(['webhooks', 'create', url, '--types', 'user.deactivate']);
    expect(typo.stderr).toContain('did you mean user.deactivated?');

    const listed = await json(['webhooks', 'list']);
    expect(Object.keys(listed)).toEqual(['items', 'next']);
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const shown = await ok(['webhooks', 'show', 'billing app']);
    expect(shown).toContain('user.created, user.deactivated');
    expect(shown).toContain('healthy');
    expect(shown).not.toContain(secret);

    const tested = await ok(['webhooks', 'test', url]);
    expect(tested).toMatch(/test webhook\.test \(evt_test_\S+\): ok 204 in \d+ ms/);
    const sent = receiver.received.at(-1);
    expect(
      new Webhook(secret).verify(sent?.body ?? '', sent?.headers as Record<string, string>),
    ).toMatchObject({ type: 'webhook.test' });

    await ok(['webhooks', 'update', 'billing app', '--disable']);
    expect(await ok(['webhooks', 'list'])).toContain('disabled: disabled by an admin');
    await ok(['webhooks', 'update', url, '--enable', '--types', 'all']);
    expect((await json(['webhooks', 'show', url])).eventTypes).toEqual([]);

    const log = await json(['webhooks', 'deliveries', url]);
    expect(Object.keys(log)).toEqual(['items', 'next']);
    expect(log.items[0]).toMatchObject({ trigger: 'test', success: true });
    // A test event is not in the feed: it cannot be redelivered, and the reason says so.
    const again = await roster(['webhooks', 'redeliver', url, log.items[0].id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('send a new test event instead');

    const rotated = await ok(['webhooks', 'rotate-secret', url, '--overlap', '2h']);
    expect(rotated).toMatch(/also signs every delivery until/);

    const deleted = await ok(['webhooks', 'delete', url]);
    expect(deleted).toContain('Deleted the webhook endpoint');
    const missing = await roster(['webhooks', 'show', url]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no webhook endpoint with id, URL or description');
  });
});
