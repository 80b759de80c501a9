import { describe, expect, it } from 'vitest';
import { parseDomainName } from './domain-name.ts';

describe('parseDomainName', () => {
  it.each([
    ['example.com', 'example.com'],
    [' Example.COM ', 'example.com'],
    ['mail.example.co.uk', 'mail.example.co.uk'],
    ['example.com.', 'example.com'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['Bücher.DE', 'xn--bcher-kva.de'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
    ['a-b.example', 'a-b.example'],
    ['123.example', '123.example'],
  ])('accepts %j as %j', (input, ascii) => {
    const result = parseDomainName(input);
    expect(result.ok && result.value.ascii).toBe(ascii);
  });

  it('gives the Unicode form for display', () => {
    expect(parseDomainName('xn--bcher-kva.de')).toEqual({
      ok: true,
      value: { ascii: 'xn--bcher-kva.de', unicode: 'bücher.de' },
    });
  });

  it.each([
    ['', 'the domain name is empty'],
    ['https://example.com', "'https://example.com' is a URL; give the domain name only"],
    ['example.com/path', 'contains a path'],
    ['example.com:443', 'contains a port'],
    ['admin@example.com', 'looks like an email address'],
    ['*.example.com', 'wildcards are not allowed'],
    ['192.0.2.1', 'is an IP address'],
    ['[2001:db8::1]', 'is an IP address'],
    ['2001:db8::1', 'is an IP address'],
    ['com', 'is a single label'],
    ['a..example.com', 'has an empty label'],
    ['.example.com', 'has an empty label'],
    ['example.com..', 'has an empty label'],
    ['-a.example.com', "the label '-a' must not start or end with a hyphen"],
    ['a-.example.com', "the label 'a-' must not start or end with a hyphen"],
    ['ab--cd.example', "'--' in the third and fourth positions"],
    ['under_score.example', "'_' is not allowed in a domain name"],
    ['exa mple.com', 'a space is not allowed'],
    ['example.com\u0000', 'U+0000 is not allowed'],
    ['ex%41mple.com', "'%' is not allowed"],
    ['exa\u200bmple.com', "it would become 'example.com'"],
    ['ＥＸＡＭＰＬＥ.com', "it would become 'example.com'"],
    ['xn--zz.example', 'is not a valid internationalised domain name'],
    [`${'a'.repeat(64)}.example`, 'is 64 characters long; at most 63 allowed'],
    [`${'abcdefghi.'.repeat(26)}example`, 'at most 253 allowed'],
    ['example.123', 'not a valid internationalised domain name'],
  ])('refuses %j, saying why', (input, reason) => {
    const result = parseDomainName(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(reason);
  });
});
