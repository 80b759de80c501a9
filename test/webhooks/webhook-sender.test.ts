/**
 * One webhook request against real sockets on loopback: a 2xx, an error status with its body's
 * first 1 KiB as clean text, a redirect that is not followed, a refused connection and a
 * receiver that never answers, each in the words the delivery log shows.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCERPT_BYTES, httpWebhookSender } from '../../src/directory/webhook-sender.ts';

describe('httpWebhookSender', () => {
  let server: Server;
  let origin = '';
  const hanging: import('node:http').ServerResponse[] = [];
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === '/ok') res.writeHead(200).end('thanks');
        else if (req.url === '/big') res.writeHead(503).end(`${'é'.repeat(2000)}\u0000`);
        else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
        else hanging.push(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (url: string, timeoutMs = 5000) =>
    httpWebhookSender({
      url,
      headers: { 'webhook-id': 'evt_1' },
      body: '{"type":"x"}',
      timeoutMs,
    });

  it('posts the body with its headers and reads a 2xx', async () => {
    const ok = await send(`${origin}/ok`);
    expect(ok).toMatchObject({
      outcome: 'success',
      statusCode: 200,
      error: null,
      excerpt: 'thanks',
    });
    expect(seen.at(-1)).toMatchObject({
      body: '{"type":"x"}',
      headers: { 'webhook-id': 'evt_1', 'content-type': 'application/json' },
    });
  });

  it('keeps the first 1 KiB of an error answer as text, and does not follow redirects', async () => {
    const big = await send(`${origin}/big`);
    expect(big.outcome).toBe('http_error');
    expect(big.statusCode).toBe(503);
    expect(Buffer.byteLength(big.excerpt ?? '')).toBeLessThanOrEqual(EXCERPT_BYTES + 3);
    expect(big.excerpt).toMatch(/^(é)+\ufffd?$/);
    const moved = await send(`${origin}/moved`);
    expect(moved).toMatchObject({ outcome: 'http_error', statusCode: 302 });
    expect(seen.filter((r) => r.body === '{"type":"x"}')).toHaveLength(3);
  });

  it('names a refused connection and a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await send(`http://127.0.0.1:${port}/`)).toMatchObject({
      outcome: 'network_error',
      statusCode: null,
      error: 'connection refused',
    });
    expect(await send(`${origin}/hang`, 300)).toMatchObject({
      outcome: 'timeout',
      statusCode: null,
      error: 'timeout after 0.3 s',
    });
  });
});
