import { describe, expect, it } from 'vitest';
import { ReadBudgetError } from '../errors.ts';
import { createAdmission } from './admission.ts';

/** A read that finishes when its `finish` is called. */
function pending() {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish: () => finish() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('costly read admission', () => {
  it('runs at most `slots` at once and one per account, leaving a slot to other accounts', async () => {
    const admission = createAdmission({ slots: 2, perAccount: 1, budgetMs: 10_000 });
    const started: string[] = [];
    const reads = new Map<string, ReturnType<typeof pending>>();
    const read = (account: string, name: string) =>
      admission.run(account, async () => {
        started.push(name);
        const gate = pending();
        reads.set(name, gate);
        await gate.done;
        return name;
      });
    const b1 = read('b', 'b1');
    const b2 = read('b', 'b2');
    const b3 = read('b', 'b3');
    const a1 = read('a', 'a1');
    await tick();
    // b1 holds b's one slot; a1 gets the other although b2 and b3 arrived first.
    expect(started).toEqual(['b1', 'a1']);
    reads.get('a1')?.finish();
    await a1;
    await tick();
    // A free slot, but b already runs one: b2 waits for b1.
    expect(started).toEqual(['b1', 'a1']);
    reads.get('b1')?.finish();
    await b1;
    await tick();
    expect(started).toEqual(['b1', 'a1', 'b2']);
    reads.get('b2')?.finish();
    await tick();
    reads.get('b3')?.finish();
    expect(await Promise.all([b2, b3])).toEqual(['b2', 'b3']);
  });

  it('takes accounts in turn, not in arrival order', async () => {
    const admission = createAdmission({ slots: 1, perAccount: 1, budgetMs: 10_000 });
    const order: string[] = [];
    const gate = pending();
    const first = admission.run('a', async () => {
      order.push('a1');
      await gate.done;
    });
    const rest = [
      admission.run('a', async () => void order.push('a2')),
      admission.run('a', async () => void order.push('a3')),
      admission.run('b', async () => void order.push('b1')),
    ];
    await tick();
    gate.finish();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('refuses a read that cannot start within the budget, and one past the waiting bound', async () => {
    const admission = createAdmission({ slots: 1, perAccount: 1, budgetMs: 30, maxWaiting: 1 });
    const gate = pending();
    const holder = admission.run('a', () => gate.done);
    const waiter = admission.run('a', async () => 'ran');
    const overflow = admission.run('a', async () => 'ran');
    await expect(overflow).rejects.toMatchObject({ reason: 'busy' });
    await expect(waiter).rejects.toBeInstanceOf(ReadBudgetError);
    gate.finish();
    await holder;
    // The account is free again.
    expect(await admission.run('a', async () => 'ran')).toBe('ran');
  });

  it('hands each read the deadline of its budget, counted from its start', async () => {
    let now = 1000;
    const admission = createAdmission({ slots: 1, perAccount: 1, budgetMs: 500, now: () => now });
    const deadline = await admission.run('a', async (d) => d);
    expect(deadline).toBe(1500);
    now = 2000;
    expect(await admission.run('a', async (d) => d)).toBe(2500);
  });
});
