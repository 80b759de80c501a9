/**
 * Compiled conditions kept per shape. IdPs send the same few filters all day with other values
 * (`userName eq "…"`, `externalId eq "…"`, `emails[type eq "work"].value eq "…"`), and compiling
 * one costs several times what SQLite then spends running it. A shape is the condition without
 * its string operands; its SQL text is compiled once, with markers standing for the operands and
 * the account, and how each parameter derives from them (as is, lower-cased, LIKE-escaped, inside
 * a pattern) is read off the markers, not re-implemented.
 *
 * Each shape is checked once against a real compile of the request that introduced it: same SQL
 * text, same parameters. A shape that fails the check (a compiler path this derivation does not
 * capture) is compiled for every request, as before.
 */
import type { Condition } from '../../directory/query.ts';
import { SqlFragment } from './sql-fragment.ts';

/** Shapes remembered; past this the cache starts over (a client varying shapes gains nothing). */
const MAX_SHAPES = 1000;

const NUL = '\u0000';
/** `\u0001`…`\u0002` delimit a marker; `Q` shows lower-casing, `%` shows LIKE escaping. */
const markerFor = (slot: string) => `\u0001Q%${slot}\u0002`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: markers are delimited by control characters on purpose
const MARKER = /\u0001([Qq])(\\?)%(\d+|a)\u0002/g;

type Piece =
  | string
  | { readonly slot: number | 'a'; readonly lower: boolean; readonly escape: boolean };
/** One parameter: a value as compiled (not derived from operands), or text built from pieces. */
type Recipe = { readonly constant: unknown } | { readonly pieces: readonly Piece[] };

interface Plan {
  readonly strings: readonly string[];
  readonly recipes: readonly Recipe[];
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The shape key of `condition`, collecting its string operands in order. */
function shapeOf(condition: Condition<string>, operands: string[]): string {
  switch (condition.kind) {
    case 'all':
    case 'none':
      return condition.kind;
    case 'not':
      return `not(${shapeOf(condition.condition, operands)})`;
    case 'and':
    case 'or':
      return `${condition.kind}(${condition.conditions.map((c) => shapeOf(c, operands)).join(',')})`;
    case 'present':
      return `pr(${JSON.stringify(condition.field)})`;
    case 'some':
      return `some(${condition.attribute},${shapeOf(condition.condition, operands)})`;
    case 'compare': {
      const { value } = condition;
      let operand: string;
      if (typeof value === 'string' && !value.includes(NUL)) {
        operands.push(value);
        operand = 's';
      } else {
        // Numbers, booleans, null and text with NUL take other compiler paths: part of the shape.
        operand = JSON.stringify(value);
      }
      return `cmp(${JSON.stringify(condition.field)},${condition.op},${condition.caseExact},${operand})`;
    }
  }
}

/** `condition` with its string operands replaced by markers, in shapeOf's order. */
function withMarkers(condition: Condition<string>, next: { n: number }): Condition<string> {
  switch (condition.kind) {
    case 'all':
    case 'none':
    case 'present':
      return condition;
    case 'not':
      return { ...condition, condition: withMarkers(condition.condition, next) };
    case 'and':
    case 'or':
      return { ...condition, conditions: condition.conditions.map((c) => withMarkers(c, next)) };
    case 'some':
      return { ...condition, condition: withMarkers(condition.condition, next) };
    case 'compare': {
      const { value } = condition;
      if (typeof value !== 'string' || value.includes(NUL)) return condition;
      return { ...condition, value: markerFor(String(next.n++)) };
    }
  }
}

function recipeOf(parameter: unknown): Recipe {
  if (typeof parameter !== 'string' || !parameter.includes('\u0001'))
    return { constant: parameter };
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of parameter.matchAll(MARKER)) {
    if (match.index > last) pieces.push(parameter.slice(last, match.index));
    const slot = match[3] === 'a' ? 'a' : Number(match[3]);
    pieces.push({ slot, lower: match[1] === 'q', escape: match[2] === '\\' });
    last = match.index + match[0].length;
  }
  if (last < parameter.length) pieces.push(parameter.slice(last));
  return { pieces };
}

function parametersOf(plan: Plan, operands: readonly string[], accountId: string): unknown[] {
  return plan.recipes.map((recipe) => {
    if ('constant' in recipe) return recipe.constant;
    let text = '';
    for (const piece of recipe.pieces) {
      if (typeof piece === 'string') {
        text += piece;
        continue;
      }
      let value = piece.slot === 'a' ? accountId : (operands[piece.slot] as string);
      if (piece.lower) value = value.toLowerCase();
      if (piece.escape) value = escapeLike(value);
      text += value;
    }
    return text;
  });
}

const sameFragment = (a: SqlFragment, strings: readonly string[], values: readonly unknown[]) =>
  a.strings.length === strings.length &&
  a.strings.every((s, i) => s === strings[i]) &&
  a.values.length === values.length &&
  a.values.every((v, i) => v === values[i]);

export type ConditionCompiler = (condition: Condition<string>, accountId: string) => SqlFragment;

/** `compile`, remembered per shape. One cache per resource table and dialect. */
export function conditionShapes(compile: ConditionCompiler): ConditionCompiler {
  /** A plan, or null for a shape that failed its check. */
  let plans = new Map<string, Plan | null>();
  return (condition, accountId) => {
    const operands: string[] = [];
    const key = shapeOf(condition, operands);
    const plan = plans.get(key);
    if (plan !== undefined) {
      if (plan === null) return compile(condition, accountId);
      return new SqlFragment(plan.strings, parametersOf(plan, operands, accountId));
    }
    const real = compile(condition, accountId);
    const marked = compile(withMarkers(condition, { n: 0 }), markerFor('a'));
    const candidate: Plan = { strings: marked.strings, recipes: marked.values.map(recipeOf) };
    const check = parametersOf(candidate, operands, accountId);
    if (plans.size >= MAX_SHAPES) plans = new Map();
    plans.set(key, sameFragment(real, candidate.strings, check) ? candidate : null);
    return real;
  };
}
