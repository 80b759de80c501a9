/**
 * Imports flow one way: cli, http → scim, directory → store. SCIM code never sees SQL, the
 * directory never sees HTTP or SCIM, the store never sees the layers above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.(test|cases)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Project-relative import targets of a file, e.g. 'store/store.ts'. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    targets.push(relative(SRC, resolve(dirname(file), match[1] as string)));
  }
  return targets;
}

const files = sourceFiles(SRC).map((file) => ({
  path: relative(SRC, file),
  imports: importsOf(file),
}));

/** Allowed target prefixes for each source prefix (the first matching rule applies). */
const RULES: readonly [string, readonly string[]][] = [
  [
    'store/',
    [
      'store/',
      'directory/model.ts',
      'directory/query.ts',
      'directory/user-query.ts',
      'directory/group-query.ts',
    ],
  ],
  ['directory/', ['directory/', 'store/store.ts', 'store/errors.ts']],
  [
    'scim/filter/',
    [
      'scim/filter/',
      'scim/schemas/',
      'scim/errors.ts',
      // The lexer refuses decoded strings no store can keep (a leaf module, no imports).
      'scim/unstorable-text.ts',
      'directory/query.ts',
      'directory/user-query.ts',
      'directory/group-query.ts',
    ],
  ],
  [
    'scim/patch/',
    [
      'scim/patch/',
      'scim/filter/',
      'scim/schemas/',
      'scim/resources/',
      'scim/errors.ts',
      // Group PATCH plans membership steps in the directory's terms (types only).
      'directory/model.ts',
      'directory/groups.ts',
    ],
  ],
  [
    'scim/',
    [
      'scim/',
      'directory/model.ts',
      'directory/query.ts',
      'directory/user-query.ts',
      'directory/group-query.ts',
      'directory/users.ts',
      'directory/groups.ts',
      'directory/role-sync.ts',
    ],
  ],
  // store/errors.ts: the error renderer classifies driver failures through the store's predicate.
  ['http/', ['http/', 'scim/', 'directory/', 'config.ts', 'store/errors.ts']],
];

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const [prefix, allowed] of RULES) {
    it(`${prefix} imports only ${allowed.join(', ')}`, () => {
      const violations = files
        .filter((f) => f.path.startsWith(prefix))
        .flatMap((f) =>
          f.imports
            .filter((target) => !allowed.some((a) => target.startsWith(a)))
            .map((target) => `${f.path} → ${target}`),
        );
      expect(violations).toEqual([]);
    });
  }

  it('only store/ mentions SQL drivers', () => {
    const offenders = files
      .filter((f) => !f.path.startsWith('store/'))
      .filter((f) =>
        /from '(kysely|better-sqlite3|pg)'/.test(readFileSync(join(SRC, f.path), 'utf8')),
      )
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});
