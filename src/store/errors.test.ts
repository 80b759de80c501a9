import { describe, expect, it } from 'vitest';
import { isStoreContention, isStoreUnavailable } from './errors.ts';

describe('isStoreUnavailable', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, true],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
    [{ code: '42P01', message: 'relation "users" does not exist' }, false],
    [new Error('boom'), false],
    ['a string', false],
    [null, false],
  ])('%o → %s', (error, expected) => {
    expect(isStoreUnavailable(error)).toBe(expected);
  });
});

describe('isStoreContention', () => {
  it.each([
    [{ code: '40P01', message: 'deadlock detected' }, true],
    [{ code: '40001', message: 'could not serialize access due to concurrent update' }, true],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, false],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
    [null, false],
  ])('%o → %s', (error, expected) => {
    expect(isStoreContention(error)).toBe(expected);
    // One or the other, never both: the two answers say different things to the client.
    if (expected) expect(isStoreUnavailable(error)).toBe(false);
  });
});
