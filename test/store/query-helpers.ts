/** Short builders for `UserCondition`s in the query contract. */
import type {
  Comparison,
  Operand,
  UserColumn,
  UserCondition,
} from '../../src/directory/user-query.ts';

export const col = (
  column: UserColumn,
  op: Comparison,
  value: Operand,
  caseExact = false,
): UserCondition => ({
  kind: 'compare',
  field: { kind: 'column', column },
  op,
  value,
  caseExact,
});

export const prof = (
  path: string[],
  op: Comparison,
  value: Operand,
  caseExact = false,
): UserCondition => ({
  kind: 'compare',
  field: { kind: 'profile', path },
  op,
  value,
  caseExact,
});

export const el = (
  path: string[],
  op: Comparison,
  value: Operand,
  caseExact = false,
): UserCondition => ({
  kind: 'compare',
  field: { kind: 'element', path },
  op,
  value,
  caseExact,
});

export const some = (attribute: string, condition: UserCondition): UserCondition => ({
  kind: 'some',
  attribute,
  condition,
});
