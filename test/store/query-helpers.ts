/** Short builders for `UserCondition`s in the query contract. */
import type {
  Comparison,
  Operand,
  UserColumn,
  UserCondition,
} from '../../src/directory/user-query.ts';

/** A comparison on one field; `col`, `prof` and `el` name the three kinds of field. */
const compareOn =
  <P>(field: (at: P) => Extract<UserCondition, { kind: 'compare' }>['field']) =>
  (at: P, op: Comparison, value: Operand, caseExact = false): UserCondition => ({
    kind: 'compare',
    field: field(at),
    op,
    value,
    caseExact,
  });

export const col = compareOn((column: UserColumn) => ({ kind: 'column', column }));
export const prof = compareOn((path: string[]) => ({ kind: 'profile', path }));
export const el = compareOn((path: string[]) => ({ kind: 'element', path }));

export const some = (attribute: string, condition: UserCondition): UserCondition => ({
  kind: 'some',
  attribute,
  condition,
});
