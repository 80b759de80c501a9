/** The generated operator key when instances start together on one empty database. */
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { openTestStore } from '../helpers/test-store.ts';

for (const kind of STORE_KINDS) {
  describe(`operator key (${kind})`, () => {
    it('is generated exactly once by racing starters, and every instance accepts it', async (ctx) => {
      const opened = await openTestStore(kind);
      if (!opened) return ctx.skip();
      try {
        const instances = Array.from({ length: 4 }, () => createDirectory({ store: opened.store }));
        const results = await Promise.all(instances.map((d) => d.adminKeys.ensureOperatorKey()));
        const fresh = results.map((r) => r.freshKey).filter((k) => k !== undefined);
        expect(fresh).toHaveLength(1);
        for (const directory of instances) {
          expect(await directory.adminKeys.authenticate(fresh[0] as string)).toEqual({
            kind: 'operator',
          });
          expect(await directory.adminKeys.authenticate(`${fresh[0]}x`)).toBeUndefined();
        }
        // A later start prints nothing new, and a configured key replaces the stored one.
        const later = createDirectory({ store: opened.store });
        expect((await later.adminKeys.ensureOperatorKey()).freshKey).toBeUndefined();
        const configured = createDirectory({ store: opened.store });
        await configured.adminKeys.ensureOperatorKey('configured-operator-key-0123456789');
        expect(await configured.adminKeys.authenticate(fresh[0] as string)).toBeUndefined();
        expect(
          await configured.adminKeys.authenticate('configured-operator-key-0123456789'),
        ).toEqual({ kind: 'operator' });
      } finally {
        await opened.cleanup();
      }
    });
  });
}
