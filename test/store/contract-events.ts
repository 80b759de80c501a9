/** Contract for the events outbox: append in transactions, sequence once, read in order, prune. */
import { describe, expect, it } from 'vitest';
import type { NewDirectoryEvent } from '../../src/directory/model.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, newId, tick } from './fixtures.ts';

function event(accountId: string, overrides: Partial<NewDirectoryEvent> = {}): NewDirectoryEvent {
  return {
    id: newId('evt'),
    accountId,
    type: 'user.created',
    occurredAt: tick(),
    actor: { kind: 'system' },
    subject: `user:${newId('usr')}`,
    data: { userName: 'ada@example.com' },
    ...overrides,
  };
}

/** Sequences until nothing is pending (other tests' events included). */
async function sequenceAll(store: Store): Promise<void> {
  while ((await store.events.sequencePending(1000)).count > 0);
}

export function eventsContract(store: () => Store): void {
  describe('events', () => {
    it('numbers appended events from 1 per account (on PostgreSQL only once sequenced)', async () => {
      const a = makeAccount();
      const b = makeAccount();
      const first = event(a.id, { actor: { kind: 'admin_key', keyId: 'key_1' } });
      const second = event(b.id);
      const third = event(a.id, {
        type: 'user.updated',
        data: { changes: { displayName: { before: null, after: 'Ada' } } },
      });
      await store().transaction(async (s) => {
        await s.events.append([first]);
        await s.events.append([second, third]);
      });
      if (!store().events.sequencesOnAppend) {
        expect(await store().events.listAfter(a.id, 0, { limit: 10 })).toEqual([]);
        expect(await store().events.latestSequence(a.id)).toBe(0);
        expect((await store().events.pending()).count).toBeGreaterThanOrEqual(3);
      }
      await sequenceAll(store());
      const listed = await store().events.listAfter(a.id, 0, { limit: 10 });
      expect(listed).toEqual([
        { ...first, sequence: 1 },
        { ...third, sequence: 2 },
      ]);
      expect(await store().events.listAfter(b.id, 0, { limit: 10 })).toEqual([
        { ...second, sequence: 1 },
      ]);
      expect(await store().events.latestSequence(a.id)).toBe(2);
      expect(await store().events.oldestRetained(a.id)).toBe(1);
      expect(await store().events.oldestRetained(makeAccount().id)).toBeUndefined();
    });

    it('keeps nothing of a transaction that rolls back', async () => {
      const a = makeAccount();
      await expect(
        store().transaction(async (s) => {
          await s.events.append([event(a.id)]);
          throw new Error('change failed');
        }),
      ).rejects.toThrow('change failed');
      await sequenceAll(store());
      expect(await store().events.listAfter(a.id, 0, { limit: 10 })).toEqual([]);
      expect(await store().events.latestSequence(a.id)).toBe(0);
    });

    it('stays gap-free when concurrent transactions fail among those that commit', async () => {
      const a = makeAccount();
      const appended = Array.from({ length: 24 }, () => event(a.id));
      const outcomes = await Promise.allSettled(
        appended.map((e, i) =>
          store().transaction(async (s) => {
            await s.events.append([e]);
            if (i % 3 === 1) throw new Error('change failed');
          }),
        ),
      );
      const committed = appended.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      expect(committed).toHaveLength(16);
      await sequenceAll(store());
      const listed = await store().events.listAfter(a.id, 0, { limit: 100 });
      expect(listed.map((e) => e.sequence)).toEqual(committed.map((_, i) => i + 1));
      expect(new Set(listed.map((e) => e.id))).toEqual(new Set(committed.map((e) => e.id)));
      expect(await store().events.latestSequence(a.id)).toBe(16);
    });

    it('fails only the transaction whose event cannot be stored, even when others share its COMMIT', async () => {
      const a = makeAccount();
      const appended = [0, 1, 2, 3].map((i) => event(a.id, { data: { i } }));
      const outcomes = await Promise.allSettled(
        appended.map((e, i) =>
          store().transaction(async (s) => {
            // BigInt has no JSON form: this change must fail when it appends, alone.
            await s.events.append([i === 1 ? { ...e, data: { i: BigInt(i) } } : e]);
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      await sequenceAll(store());
      const listed = await store().events.listAfter(a.id, 0, { limit: 10 });
      expect(listed.map((e) => e.sequence)).toEqual([1, 2, 3]);
      expect(new Set(listed.map((e) => e.id))).toEqual(
        new Set([appended[0], appended[2], appended[3]].map((e) => e?.id)),
      );
    });

    it('continues sequences across runs, pages after a cursor and filters by type', async () => {
      const a = makeAccount();
      const types = ['user.created', 'group.created', 'user.created', 'user.deactivated'];
      for (const type of types) {
        await store().events.append([event(a.id, { type })]);
        await sequenceAll(store());
      }
      const all = await store().events.listAfter(a.id, 0, { limit: 100 });
      expect(all.map((e) => [e.sequence, e.type])).toEqual(types.map((t, i) => [i + 1, t]));
      expect(
        (await store().events.listAfter(a.id, 1, { limit: 2 })).map((e) => e.sequence),
      ).toEqual([2, 3]);
      const created = await store().events.listAfter(a.id, 1, {
        types: ['user.created', 'user.deactivated'],
        limit: 10,
      });
      expect(created.map((e) => e.sequence)).toEqual([3, 4]);
      expect(await store().events.listAfter(a.id, 4, { limit: 10 })).toEqual([]);
      expect(await store().events.listAfter(a.id, 0, { types: [], limit: 10 })).toEqual([]);
    });

    it('sequences in insertion order, at most `limit` per run', async () => {
      const a = makeAccount();
      const batch = Array.from({ length: 7 }, (_, i) => event(a.id, { data: { i } }));
      await store().events.append(batch);
      // Other tests may leave nothing pending; this account's 7 are the oldest pending rows.
      await sequenceAll(store());
      const listed = await store().events.listAfter(a.id, 0, { limit: 100 });
      expect(listed.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(listed.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const more = Array.from({ length: 5 }, () => event(a.id));
      await store().events.append(more);
      // A run sequences at most `limit` rows; several runs finish the rest without gaps.
      let runs = 0;
      for (;;) {
        const { count } = await store().events.sequencePending(2);
        if (count === 0) break;
        expect(count).toBeLessThanOrEqual(2);
        runs++;
      }
      expect(runs).toBeGreaterThanOrEqual(3);
      const after = await store().events.listAfter(a.id, 7, { limit: 100 });
      expect(after.map((e) => e.sequence)).toEqual([8, 9, 10, 11, 12]);
    });

    it('gives each event one sequence when sequencers race (gap-free, no duplicates)', async () => {
      const a = makeAccount();
      const writes = Array.from({ length: 20 }, (_, i) =>
        store().transaction((s) => s.events.append([event(a.id, { data: { i } })])),
      );
      const runs: Promise<unknown>[] = [];
      for (const write of writes) {
        runs.push(write.then(() => store().events.sequencePending(3, { wait: false })));
        runs.push(store().events.sequencePending(5));
      }
      await Promise.all([...writes, ...runs]);
      await sequenceAll(store());
      const listed = await store().events.listAfter(a.id, 0, { limit: 100 });
      expect(listed.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(listed.map((e) => e.id)).size).toBe(20);
    });

    it('reports the oldest pending event', async () => {
      await sequenceAll(store());
      expect(await store().events.pending()).toEqual({ count: 0, oldestOccurredAt: null });
      const a = makeAccount();
      const older = event(a.id, { occurredAt: '2020-01-01T00:00:00.000Z' });
      await store().events.append([event(a.id), older]);
      expect(await store().events.pending()).toEqual({
        count: 2,
        oldestOccurredAt: '2020-01-01T00:00:00.000Z',
      });
      await sequenceAll(store());
    });

    it('prunes old sequenced events but never an account newest, and never restarts sequences', async () => {
      await sequenceAll(store());
      const a = makeAccount();
      const b = makeAccount();
      const at = (day: number) => `2021-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      await store().events.append([
        event(a.id, { occurredAt: at(1) }),
        event(a.id, { occurredAt: at(2) }),
        event(a.id, { occurredAt: at(3) }),
        event(b.id, { occurredAt: at(1) }),
      ]);
      await sequenceAll(store());
      // A pending event is never pruned, however old.
      await store().events.append([event(a.id, { occurredAt: at(1), type: 'user.deleted' })]);
      const pruned = await store().events.prune(at(10));
      expect(pruned).toBeGreaterThanOrEqual(2);
      expect(
        (await store().events.listAfter(a.id, 0, { limit: 10 })).map((e) => e.sequence),
      ).toEqual([3]);
      expect(
        (await store().events.listAfter(b.id, 0, { limit: 10 })).map((e) => e.sequence),
      ).toEqual([1]);
      expect(await store().events.oldestRetained(a.id)).toBe(3);
      await sequenceAll(store());
      const next = await store().events.listAfter(a.id, 3, { limit: 10 });
      expect(next.map((e) => [e.sequence, e.type])).toEqual([[4, 'user.deleted']]);
      expect(await store().events.latestSequence(a.id)).toBe(4);
    });
  });
}
