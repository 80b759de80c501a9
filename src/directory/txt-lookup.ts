/**
 * What domain verification needs from DNS: the TXT records at one name. The directory depends on
 * this interface only; `node-txt-lookup.ts` implements it with `node:dns`, and tests point that
 * implementation at a DNS server on loopback.
 */

export type TxtLookupResult =
  /** The name has TXT records; each is its character-strings joined (RFC 7208 §3.3 style). */
  | { readonly kind: 'found'; readonly records: readonly string[] }
  /** The name exists but has no TXT record (NOERROR with an empty answer, "NODATA"). */
  | { readonly kind: 'no_records' }
  /** The name does not exist (RCODE 3, NXDOMAIN; RFC 1035 §4.1.1). */
  | { readonly kind: 'nxdomain' }
  /** No answer within the timeout. */
  | { readonly kind: 'timeout' }
  /** Anything else: SERVFAIL, REFUSED, an unreachable resolver... */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface TxtLookup {
  lookupTxt(name: string): Promise<TxtLookupResult>;
  /** Which resolver answers, for messages: "the system resolver", "127.0.0.1:5353". */
  readonly resolverName: string;
}
