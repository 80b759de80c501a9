import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './errors.ts';

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
