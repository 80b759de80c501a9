/**
 * Strict parsing of the domain names an account verifies. The result is the name as DNS and
 * email addresses carry it: lower-case ASCII, internationalised labels in punycode (IDNA,
 * RFC 5891 via UTS #46 `domainToASCII`). Everything that is not a plain registrable-style name is
 * refused with the reason: schemes, paths, ports, email addresses, wildcards, IP addresses,
 * underscores, empty labels, characters that IDNA would silently drop or map.
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { fail, ok, type Result } from './result.ts';

export interface DomainName {
  /** Lower-case ASCII (punycode for internationalised labels): what is stored and looked up. */
  readonly ascii: string;
  /** The same name in Unicode, for display. */
  readonly unicode: string;
}

/** RFC 1035 §2.3.4: 63 octets a label, 255 octets a name on the wire (253 as text). */
const MAX_LABEL = 63;
const MAX_NAME = 253;
/** Letters, digits and hyphens (RFC 952/1123 host names); labels start and end alphanumeric. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function isAsciiAllowed(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x2d || // -
    code === 0x2e // .
  );
}

function shapeProblem(input: string): string | undefined {
  if (input === '') return 'the domain name is empty';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    return `'${input}' is a URL; give the domain name only (for example 'example.com')`;
  }
  if (input.includes('@')) {
    return `'${input}' looks like an email address; give only the part after the @`;
  }
  if (input.includes('*')) return 'wildcards are not allowed: verify each domain by its own name';
  const unbracketed = input.replace(/^\[(.*)\]$/, '$1');
  if (isIP(unbracketed) !== 0) return `'${input}' is an IP address, not a domain name`;
  if (input.includes('/')) return `'${input}' contains a path; give the domain name only`;
  if (input.includes(':')) return `'${input}' contains a port or colon; give the domain name only`;
  for (const char of input) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80 && !isAsciiAllowed(code)) {
      const shown =
        code === 0x20
          ? 'a space'
          : code < 0x20 || code === 0x7f
            ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
            : `'${char}'`;
      return `${shown} is not allowed in a domain name (letters, digits, hyphens and dots only)`;
    }
  }
  return undefined;
}

/** Parses a domain name as an admin typed it. Surrounding whitespace and one final dot are dropped. */
export function parseDomainName(raw: string): Result<DomainName, string> {
  const input = raw.trim().replace(/\.$/, '');
  const problem = shapeProblem(input);
  if (problem) return fail(problem);
  if (input.startsWith('.') || input.endsWith('.') || input.includes('..')) {
    return fail(`'${input}' has an empty label (a leading dot or two dots in a row)`);
  }
  const ascii = domainToASCII(input);
  if (ascii === '') return fail(`'${input}' is not a valid internationalised domain name`);
  // UTS #46 maps some characters (full-width letters) and drops others (zero-width joiners)
  // without complaint; a name that does not read back as typed is refused rather than guessed.
  const unicode = domainToUnicode(ascii);
  const typed = input.normalize('NFC').toLowerCase();
  if (/^[\x20-\x7e]*$/.test(input) ? ascii !== typed : unicode !== typed) {
    return fail(
      `'${input}' contains characters that are not used as typed in domain names ` +
        `(it would become '${unicode}'); type the name as it is registered`,
    );
  }
  if (ascii.length > MAX_NAME) {
    return fail(`the domain name is ${ascii.length} characters long; at most ${MAX_NAME} allowed`);
  }
  const labels = ascii.split('.');
  if (labels.length < 2) {
    return fail(`'${input}' is a single label; give a full domain name such as 'example.com'`);
  }
  for (const label of labels) {
    if (label.length > MAX_LABEL) {
      return fail(`the label '${label}' is ${label.length} characters long; at most 63 allowed`);
    }
    if (!LDH_LABEL.test(label)) {
      return fail(`the label '${label}' must not start or end with a hyphen`);
    }
    // RFC 5891 §4.2.3.1: hyphens in the third and fourth positions are reserved for 'xn--'.
    if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
      return fail(`the label '${label}' has '--' in the third and fourth positions (reserved)`);
    }
  }
  const tld = labels.at(-1) ?? '';
  if (/^[0-9]+$/.test(tld)) return fail(`'${input}' ends in a numeric label; that is no domain`);
  return ok({ ascii, unicode });
}
