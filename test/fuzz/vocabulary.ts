/**
 * Words the fuzz data is made of. Seeded profiles and generated filters draw from the same
 * lists, so filters compare against values the accounts really hold and match some users.
 */

export const GIVEN_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Radia',
  'Zoë',
  'Łukasz',
  'Søren',
  'José',
  'Anne-Marie',
  "D'Arcy",
] as const;

export const FAMILY_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Perlman',
  "O'Malley",
  'Müller',
  'van der Berg',
  'Nakamura',
  '李',
] as const;

export const TITLES = [
  'Engineer',
  'Senior Engineer',
  'Staff Engineer',
  'Vice President',
  'Sales Rep',
  'Account Executive',
  'Designer',
  'Support Agent',
  'CTO',
  'Intern',
  '100% Remote Analyst',
  'R&D_Lead',
] as const;

export const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Support',
  'Finance',
  'Legal',
  'Research & Development',
  'Ops/Infra',
] as const;

export const ORGANIZATIONS = ['Acme', 'Globex', 'Initech', 'Umbrella'] as const;
export const DIVISIONS = ['North', 'South', 'EMEA', 'APAC'] as const;
export const COST_CENTERS = ['CC-100', 'CC-200', 'CC-300', '4130'] as const;
export const USER_TYPES = ['Employee', 'Contractor', 'Intern', 'Vendor'] as const;
export const LOCALES = ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'ja-JP'] as const;
export const LANGUAGES = ['en', 'fr', 'de', 'ja', 'en-US'] as const;
export const TIMEZONES = ['America/Los_Angeles', 'Europe/Paris', 'Asia/Tokyo', 'UTC'] as const;
export const EMAIL_TYPES = ['work', 'home', 'other'] as const;
export const PHONE_TYPES = ['work', 'home', 'mobile', 'fax', 'pager', 'other'] as const;
export const GROUP_WORDS = [
  'Sales',
  'Engineering',
  'All Staff',
  'Admins',
  'Okta Everyone',
  'Contractors',
  'EMEA',
  'Café Team',
  'on-call',
] as const;

/** Dates the filters compare with: around the seeded data, and edges Date.parse accepts. */
export const DATES = [
  '2025-01-01T00:00:00Z',
  '2025-01-01T00:00:00.000Z',
  '2024-12-31T23:59:59.999Z',
  '2026-01-01T00:00:00Z',
  '2030-06-15T12:00:00+02:00',
  '2011-05-13T04:42:34Z',
  '1970-01-01T00:00:00Z',
  '2025-01-01',
  '2025-06-01T00:00:00-05:00',
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
] as const;
