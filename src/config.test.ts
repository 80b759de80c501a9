import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, serverTimeouts, webhookDeliveryOptions } from './config.ts';

describe('config: DNS and domain re-check settings', () => {
  it('defaults to the system resolver, a 5 s timeout and a 5 minute re-check', () => {
    const config = loadConfig({}, {});
    expect(config.dnsResolver).toBeUndefined();
    expect(config.dnsTimeoutMs).toBe(5000);
    expect(config.domainRecheckSeconds).toBe(300);
  });

  it.each(['127.0.0.1:5353', '127.0.0.1', '::1', '[::1]:53', '[2001:db8::1]'])(
    'accepts the resolver address %j',
    (address) => {
      expect(loadConfig({}, { ROSTER_DNS_RESOLVER: address }).dnsResolver).toBe(address);
    },
  );

  it.each([
    'dns.example.com',
    '127.0.0.1:0',
    '127.0.0.1:70000',
    '[127.0.0.1]:53',
    '1.2.3:53',
    '::1:53x',
  ])('refuses the resolver address %j', (address) => {
    expect(() => loadConfig({}, { ROSTER_DNS_RESOLVER: address })).toThrow(ConfigError);
  });

  it('reads the timeout and interval, 0 turning the re-check off', () => {
    const config = loadConfig(
      {},
      { ROSTER_DNS_TIMEOUT_MS: '750', ROSTER_DOMAIN_RECHECK_SECONDS: '0' },
    );
    expect(config.dnsTimeoutMs).toBe(750);
    expect(config.domainRecheckSeconds).toBe(0);
    expect(() => loadConfig({}, { ROSTER_DNS_TIMEOUT_MS: '10' })).toThrow(/dnsTimeoutMs/);
  });
});

describe('config: secrets', () => {
  it('refuses a demo token shorter than 32 characters, from the flag or the environment', () => {
    const short = 'a-demo-token-of-31-characters-x';
    expect(short).toHaveLength(31);
    expect(() => loadConfig({ demoToken: short }, {})).toThrow(/at least 32 characters/);
    expect(() => loadConfig({}, { ROSTER_DEMO_TOKEN: short })).toThrow(ConfigError);
    expect(loadConfig({}, { ROSTER_DEMO_TOKEN: `${short}y` }).demoToken).toBe(`${short}y`);
  });
});

describe('config: server timeouts', () => {
  it('applies 30 s headers, 120 s request and 5 s keep-alive timeouts unless told otherwise', () => {
    expect(serverTimeouts(loadConfig({}, {}))).toEqual({
      headersTimeout: 30_000,
      requestTimeout: 120_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 7_500,
    });
    const short = loadConfig(
      {},
      { ROSTER_HEADERS_TIMEOUT_SECONDS: '1', ROSTER_REQUEST_TIMEOUT_SECONDS: '2' },
    );
    expect(serverTimeouts(short).connectionsCheckingInterval).toBe(250);
    expect(() =>
      loadConfig(
        {},
        { ROSTER_HEADERS_TIMEOUT_SECONDS: '60', ROSTER_REQUEST_TIMEOUT_SECONDS: '30' },
      ),
    ).toThrow(/must not exceed/);
  });
});

describe('config: webhooks', () => {
  it('delivers by default, with a 10 s timeout, 16 endpoints at once and a 30 s lease', () => {
    const config = loadConfig({}, {});
    expect(config.webhooks).toBe(true);
    expect(config.webhookDeliveryRetentionDays).toBe(30);
    expect(webhookDeliveryOptions(config)).toEqual({
      timeoutMs: 10_000,
      concurrency: 16,
      leaseMs: 30_000,
      lingerMs: 1000,
    });
  });

  it('turns delivery off, and refuses what it cannot use', () => {
    expect(loadConfig({}, { ROSTER_WEBHOOKS: 'off' }).webhooks).toBe(false);
    expect(webhookDeliveryOptions(loadConfig({}, { ROSTER_WEBHOOK_TIMEOUT_SECONDS: '2' }))).toEqual(
      { timeoutMs: 2000, concurrency: 16, leaseMs: 6000, lingerMs: 1000 },
    );
    for (const env of [
      { ROSTER_WEBHOOKS: 'no' },
      { ROSTER_WEBHOOK_TIMEOUT_SECONDS: '0' },
      { ROSTER_WEBHOOK_TIMEOUT_SECONDS: '61' },
      { ROSTER_WEBHOOK_CONCURRENCY: '0' },
      { ROSTER_WEBHOOK_DELIVERY_RETENTION_DAYS: '-1' },
    ]) {
      expect(() => loadConfig({}, env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
