/** Which server-side failures are contention (503, logged quietly) and which are faults. */
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../directory/errors.ts';
import { isContention, toScimError } from './error-response.ts';

describe('isContention', () => {
  it('is writers colliding: a lost compare-and-set, a deadlock, a serialization abort', () => {
    const collisions = [
      new DirectoryError('user.update_contended', 'retry'),
      new DirectoryError('group.update_contended', 'retry'),
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
    ];
    for (const error of collisions) {
      expect(isContention(error)).toBe(true);
      expect(toScimError(error).status).toBe(503);
      expect(toScimError(error).headers).toMatchObject({ 'Retry-After': '1' });
    }
  });

  it('is not a fault, an unavailable database or a client error', () => {
    const others = [
      new Error('boom'),
      new DirectoryError('user.not_found', 'no user'),
      Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }),
      undefined,
    ];
    for (const error of others) expect(isContention(error)).toBe(false);
    expect(toScimError(new Error('boom')).status).toBe(500);
  });
});
