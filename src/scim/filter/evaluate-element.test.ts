import { describe, expect, it } from 'vitest';
import { parsePath } from '../patch/path.ts';
import type { AttributeDefinition } from '../schemas/attribute.ts';
import { attribute } from '../schemas/attribute.ts';
import { userSchema } from '../schemas/user.ts';
import type { Filter } from './ast.ts';
import { matchesElement } from './evaluate-element.ts';

function definition(name: string): AttributeDefinition {
  const found = userSchema.attributes.find((a) => a.name === name);
  if (!found) throw new Error(name);
  return found;
}

const emails = definition('emails');

/** The filter of `emails[<text>]`, built by the real path parser. */
function filterOf(text: string, attributeName = 'emails'): Filter {
  const parsed = parsePath(`${attributeName}[${text}]`);
  if (!parsed.ok || !parsed.value.filter) throw new Error(`cannot parse ${text}`);
  return parsed.value.filter;
}

function matches(text: string, element: Record<string, unknown>, attr = emails): boolean {
  const result = matchesElement(filterOf(text, attr.name), element, attr);
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
}

const work = { value: 'Ada@Example.com', type: 'work', primary: true, display: 'Ada' };
const home = { value: 'ada@home.example', type: 'home' };

describe('matchesElement', () => {
  it('eq / ne on strings honour caseExact false (RFC 7643 §2.2)', () => {
    expect(matches('type eq "work"', work)).toBe(true);
    expect(matches('type eq "WORK"', work)).toBe(true);
    expect(matches('value eq "ada@example.com"', work)).toBe(true);
    expect(matches('type eq "work"', home)).toBe(false);
    expect(matches('type ne "work"', home)).toBe(true);
    expect(matches('type ne "work"', work)).toBe(false);
  });

  it('honours caseExact true', () => {
    const tags = attribute('tags', 'complex', {
      multiValued: true,
      subAttributes: [attribute('value', 'string', { caseExact: true })],
    });
    expect(matches('value eq "Abc"', { value: 'Abc' }, tags)).toBe(true);
    expect(matches('value eq "abc"', { value: 'Abc' }, tags)).toBe(false);
  });

  it('co / sw / ew', () => {
    expect(matches('value co "EXAMPLE"', work)).toBe(true);
    expect(matches('value sw "ada@"', work)).toBe(true);
    expect(matches('value ew ".com"', work)).toBe(true);
    expect(matches('value ew ".org"', work)).toBe(false);
    expect(matches('value sw "bob"', work)).toBe(false);
  });

  it('gt / ge / lt / le on strings compare lexicographically', () => {
    expect(matches('type gt "home"', work)).toBe(true);
    expect(matches('type ge "work"', work)).toBe(true);
    expect(matches('type lt "work"', home)).toBe(true);
    expect(matches('type le "a"', home)).toBe(false);
  });

  it('pr: present and non-empty', () => {
    expect(matches('primary pr', work)).toBe(true);
    expect(matches('primary pr', home)).toBe(false);
    expect(matches('display pr', { value: 'x', display: '' })).toBe(false);
  });

  it('and / or / not', () => {
    expect(matches('type eq "work" and primary eq true', work)).toBe(true);
    expect(matches('type eq "work" and primary eq true', home)).toBe(false);
    expect(matches('type eq "home" or primary eq true', work)).toBe(true);
    expect(matches('type eq "other" or display eq "x"', work)).toBe(false);
    expect(matches('not (type eq "work")', home)).toBe(true);
    expect(matches('not (type eq "work")', work)).toBe(false);
  });

  it('string booleans in the filter compare as booleans (Entra: primary eq "True")', () => {
    expect(matches('primary eq "True"', work)).toBe(true);
    expect(matches('primary eq "false"', work)).toBe(false);
    expect(matches('primary eq false', { value: 'x', primary: false })).toBe(true);
  });

  it('an absent attribute matches ne but not eq', () => {
    expect(matches('display eq "Ada"', home)).toBe(false);
    expect(matches('display ne "Ada"', home)).toBe(true);
    expect(matches('display eq null', home)).toBe(true);
  });

  it('accepts the attribute-qualified form emails[emails.type eq "work"]', () => {
    expect(matches('emails.type eq "work"', work)).toBe(true);
  });

  it('reports an unknown sub-attribute as invalidFilter', () => {
    const result = matchesElement(filterOf('colour eq "red"'), work, emails);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.scimType).toBe('invalidFilter');
      expect(result.error.detail).toContain("'colour'");
    }
  });

  it('reports an unknown sub-attribute on the right of or, even when the left decides', () => {
    expect(matchesElement(filterOf('type eq "work" or colour eq "red"'), work, emails).ok).toBe(
      false,
    );
  });

  it('rejects ordering and substring operators on booleans (RFC 7644 §3.4.2.2)', () => {
    expect(matchesElement(filterOf('primary gt true'), work, emails).ok).toBe(false);
    expect(matchesElement(filterOf('primary co "t"'), work, emails).ok).toBe(false);
  });

  it('compares numbers and dateTimes by value', () => {
    const readings = attribute('readings', 'complex', {
      multiValued: true,
      subAttributes: [attribute('value', 'decimal'), attribute('at', 'dateTime')],
    });
    expect(matches('value gt 2.5', { value: 3 }, readings)).toBe(true);
    expect(matches('value le "2.5"', { value: 3 }, readings)).toBe(false);
    expect(
      matches('at lt "2026-01-02T00:00:00Z"', { at: '2026-01-01T23:00:00.000Z' }, readings),
    ).toBe(true);
  });
});
