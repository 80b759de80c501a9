/** Record builders for the store contract; every id is fresh so tests share one store. */
import { randomUUID } from 'node:crypto';
import type { Account, User } from '../../src/directory/model.ts';

export const newId = (prefix: string) => `${prefix}_${randomUUID()}`;

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** Strictly increasing ISO timestamps with milliseconds. */
export function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function makeAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: newId('acc'),
    name: 'Acme',
    tier: 'professional',
    pricingModel: 'seats',
    ssoEnabled: true,
    sandbox: false,
    createdAt: tick(),
    ...overrides,
  };
}

export function makeUser(accountId: string, overrides: Partial<User> = {}): User {
  const at = tick();
  return {
    id: newId('usr'),
    accountId,
    userName: `user-${randomUUID()}`,
    externalId: null,
    email: null,
    displayName: null,
    givenName: null,
    familyName: null,
    active: true,
    superAdmin: false,
    permissionSetId: 'ps_default',
    managedBy: 'scim',
    deprovisionedAt: null,
    profile: {},
    multiValued: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}
