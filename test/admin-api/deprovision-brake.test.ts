/**
 * The mass-deprovisioning brake over the admin API: its state as IdP deactivations pile up, and
 * an admin's release letting the held deactivation through on the IdP's retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { createUser, patchOp, SCIM, unique } from '../scim-http/scim-test-kit.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  newAccount,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API deprovision brake (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind, {
        env: {
          ROSTER_DEPROVISION_BRAKE_SHARE: '0.1',
          ROSTER_DEPROVISION_BRAKE_MIN_USERS: '2',
          ROSTER_DEPROVISION_BRAKE_WINDOW_MINUTES: '60',
        },
      });
    });
    afterAll(() => t?.cleanup());

    it('reports the brake engaging, and a release lets the retried deactivation through', async (ctx) => {
      if (!t) return ctx.skip();
      const { app } = t;
      const path = `${API}/accounts/${app.accountId}/deprovision-brake`;
      const idle = await t.call('GET', path);
      expect(idle.status).toBe(200);
      expect(idle.body).toMatchObject({
        engaged: false,
        deactivations: 0,
        limit: 2,
        releasedAt: null,
        windowMinutes: 60,
        share: 0.1,
        minUsers: 2,
      });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createUser(app, unique('leaver'))).id);
      const deactivate = (id: string) =>
        app.request('PATCH', `${SCIM}/Users/${id}`, {
          body: patchOp({ op: 'replace', path: 'active', value: false }),
        });
      expect((await deactivate(ids[0] as string)).status).toBe(200);
      expect((await t.call('GET', path)).body).toMatchObject({ engaged: false, deactivations: 1 });
      expect((await deactivate(ids[1] as string)).status).toBe(200);
      expect((await t.call('GET', path)).body).toMatchObject({ engaged: true, deactivations: 2 });
      expect((await deactivate(ids[2] as string)).status).toBe(429);

      const released = await t.call('POST', `${path}/release`);
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ engaged: false, deactivations: 0 });
      expect(released.body.releasedAt).not.toBeNull();
      expect((await deactivate(ids[2] as string)).status).toBe(200);
      expect(await auditActions(t, app.accountId)).toContain('deprovision_brake.release 200');
    });

    it("refuses another account's key on the brake, and leaves it engaged", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const other = `${API}/accounts/${b.id}/deprovision-brake`;
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', '/release'],
      ] as const) {
        const response = await t.call(method, `${other}${suffix}`, { key: a.key });
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('account.not_found');
      }
      const own = await t.call('GET', other, { key: b.key });
      expect(own.body.releasedAt).toBeNull();
    });
  });
}
