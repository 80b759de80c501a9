/**
 * The mass-deprovisioning brake (issue 4): past a share of the account's active users (at least a
 * minimum) deactivated within a window, further IdP deactivations are held with 429 +
 * Retry-After and logged, until an admin releases the brake.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { createUser, expectScimError, patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const BRAKE = {
  ROSTER_DEPROVISION_BRAKE_SHARE: '0.1',
  ROSTER_DEPROVISION_BRAKE_MIN_USERS: '3',
  ROSTER_DEPROVISION_BRAKE_RETRY_AFTER_SECONDS: '120',
};

const deactivate = (app: TestApp, id: string) =>
  app.request('PATCH', `${SCIM}/Users/${id}`, {
    body: patchOp({ op: 'replace', path: 'active', value: false }),
  });

async function createUsers(app: TestApp, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createUser(app, unique('brake'))).id);
  return ids;
}

const release = (app: TestApp) =>
  app.directory.store.transaction((session) =>
    app.directory.deprovisionBrake.release(session, app.accountId),
  );

describe.each(STORE_KINDS)('mass-deprovisioning brake (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: BRAKE });

  it('holds the deactivation past the minimum with 429 + Retry-After, keeps the user active, and logs why', async () => {
    const app = getApp();
    const ids = await createUsers(app, 6);
    for (const id of ids.slice(0, 3)) expect((await deactivate(app, id)).status).toBe(200);

    const held = await deactivate(app, ids[3] as string);
    expectScimError(held, 429);
    expect(held.headers.get('retry-after')).toBe('120');
    expect(held.body.detail).toMatch(/mass-deprovisioning brake/);
    expect(held.body.detail).toMatch(/release the brake/);
    expect((await app.request('GET', `${SCIM}/Users/${ids[3]}`)).body.active).toBe(true);

    // DELETE is a deactivation too: held, and the user stays visible.
    expectScimError(await app.request('DELETE', `${SCIM}/Users/${ids[4]}`), 429);
    expect((await app.request('GET', `${SCIM}/Users/${ids[4]}`)).status).toBe(200);

    await app.flushLog();
    const events = await app.directory.provisioningLog.list({ accountId: app.accountId, limit: 3 });
    // Newest first: the GET, the held DELETE, the GET, the held PATCH.
    const event = events.find((e) => e.method === 'DELETE');
    expect(event?.status).toBe(429);
    expect(event?.outcome).toBe('failure');
    expect(event?.explanation).toMatch(/mass-deprovisioning brake/);

    // Reactivations and writes that deactivate nobody still go through while it is engaged.
    const reactivated = await app.request('PATCH', `${SCIM}/Users/${ids[0]}`, {
      body: patchOp({ op: 'replace', path: 'active', value: true }),
    });
    expect(reactivated.status).toBe(200);
    expect((await deactivate(app, ids[1] as string)).status).toBe(200); // already inactive

    // Released: the IdP's retry goes through, and the window counts afresh from the release.
    await release(app);
    expect((await deactivate(app, ids[3] as string)).status).toBe(200);
    expect((await app.request('DELETE', `${SCIM}/Users/${ids[4]}`)).status).toBe(204);
    expect((await app.request('GET', `${SCIM}/Users/${ids[3]}`)).body.active).toBe(false);
    await release(app);
  });

  it('allows the configured share of a larger account before holding', async () => {
    const app = getApp();
    await release(app);
    const active = (await app.directory.store.users.countActive(app.accountId)) + 45;
    const ids = await createUsers(app, 45);
    // At least 45 active users: 10% is 4 or more, above the minimum of 3.
    const limit = Math.floor(0.1 * active);
    expect(limit).toBeGreaterThan(3);
    for (const id of ids.slice(0, limit)) expect((await deactivate(app, id)).status).toBe(200);
    expectScimError(await deactivate(app, ids[limit] as string), 429);
    await release(app);
  });

  it('an engaged brake reports itself to admins', async () => {
    const app = getApp();
    await release(app);
    const { brake, store } = { brake: app.directory.deprovisionBrake, store: app.directory.store };
    expect(await brake.status(store, app.accountId)).toMatchObject({
      deactivations: 0,
      engaged: false,
    });
    const ids = await createUsers(app, 20);
    let held = 0;
    for (const id of ids) if ((await deactivate(app, id)).status === 429) held++;
    const status = await brake.status(store, app.accountId);
    expect(status.engaged).toBe(true);
    expect(status.deactivations).toBe(status.limit);
    expect(status.deactivations + held).toBe(20);
    expect(status.releasedAt).not.toBeNull();
    await release(app);
  });
});

/** The limit is the minimum alone: 1% of a few dozen users is far below it. */
const EXACT = {
  ROSTER_DEPROVISION_BRAKE_SHARE: '0.01',
  ROSTER_DEPROVISION_BRAKE_MIN_USERS: '10',
};

describe.each(STORE_KINDS)('mass-deprovisioning brake under concurrency (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: EXACT });

  it('N concurrent deactivations (PATCH and DELETE) against a limit L: exactly L go through', async () => {
    const app = getApp();
    for (let round = 0; round < 3; round++) {
      await release(app);
      const ids = await createUsers(app, 30);
      const responses = await Promise.all(
        ids.map((id, i) =>
          i % 3 === 0 ? app.request('DELETE', `${SCIM}/Users/${id}`) : deactivate(app, id),
        ),
      );
      const admitted = responses.filter((r) => r.status === 200 || r.status === 204);
      const held = responses.filter((r) => r.status === 429);
      expect(admitted.length, `round ${round}`).toBe(10);
      expect(held.length, `round ${round}`).toBe(20);
      const status = await app.directory.deprovisionBrake.status(
        app.directory.store,
        app.accountId,
      );
      expect(status).toMatchObject({ deactivations: 10, limit: 10, engaged: true });
    }
    await release(app);
  });
});

/**
 * A limit above PostgreSQL's bound on transactions in flight (max_connections, 100 by default):
 * the first deactivations hold the brake shared, side by side, and those near the limit take it
 * alone after a retry. The limit still holds exactly across the change of mode.
 */
const WIDE = {
  ROSTER_DEPROVISION_BRAKE_SHARE: '0.01',
  ROSTER_DEPROVISION_BRAKE_MIN_USERS: '150',
};

describe.each(STORE_KINDS)('mass-deprovisioning brake, shared then alone (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: WIDE });

  it('200 concurrent deactivations against a limit of 150: exactly 150 go through', async () => {
    const app = getApp();
    await release(app);
    const ids = await createUsers(app, 200);
    const responses = await Promise.all(ids.map((id) => deactivate(app, id)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(150);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(50);
    expect(responses.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    const status = await app.directory.deprovisionBrake.status(app.directory.store, app.accountId);
    expect(status).toMatchObject({ deactivations: 150, limit: 150, engaged: true });
    await release(app);
  });
});
