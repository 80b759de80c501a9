/**
 * TXT lookups through `node:dns` (c-ares): the system's resolvers, or one given address such as
 * `127.0.0.1:5353` (ROSTER_DNS_RESOLVER). Each lookup gets its own Resolver so a timeout
 * cancels only its own query.
 */
import { Resolver } from 'node:dns/promises';
import type { TxtLookup, TxtLookupResult } from './txt-lookup.ts';

export interface NodeTxtLookupOptions {
  /** `host`, `host:port` or `[ipv6]:port`; undefined uses the system's resolvers. */
  readonly server?: string | undefined;
  /** Longest wait for one lookup, in milliseconds. */
  readonly timeoutMs: number;
}

/** Whether `server` is an address `Resolver.setServers` accepts (it throws otherwise). */
export function isResolverAddress(server: string): boolean {
  try {
    new Resolver().setServers([server]);
    return true;
  } catch {
    return false;
  }
}

export function createNodeTxtLookup({ server, timeoutMs }: NodeTxtLookupOptions): TxtLookup {
  if (server !== undefined && !isResolverAddress(server)) {
    throw new Error(`invalid DNS resolver address '${server}' (expected host:port)`);
  }
  return {
    resolverName: server ?? 'the system resolver',
    async lookupTxt(name: string): Promise<TxtLookupResult> {
      // One try: c-ares applies `timeout` per try, so this bounds the whole lookup.
      const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
      if (server !== undefined) resolver.setServers([server]);
      // Backstop for the rare path where c-ares waits longer than asked (e.g. a TCP retry).
      const guard = setTimeout(() => resolver.cancel(), timeoutMs + 1000);
      try {
        const records = await resolver.resolveTxt(name);
        return records.length === 0
          ? { kind: 'no_records' }
          : { kind: 'found', records: records.map((chunks) => chunks.join('')) };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const message = error instanceof Error ? error.message : String(error);
        switch (code) {
          case 'ENODATA':
            return { kind: 'no_records' };
          case 'ENOTFOUND':
            return { kind: 'nxdomain' };
          case 'ETIMEOUT':
          case 'ECANCELLED':
            return { kind: 'timeout' };
          default:
            return { kind: 'error', code: typeof code === 'string' ? code : 'EUNKNOWN', message };
        }
      } finally {
        clearTimeout(guard);
      }
    },
  };
}
