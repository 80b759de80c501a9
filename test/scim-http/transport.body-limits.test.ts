/**
 * Request bodies are read up to the limit and no further: a body without Content-Length (a
 * chunked request) is refused with 413 once it passes ROSTER_MAX_BODY_BYTES (or, on /Bulk,
 * ROSTER_BULK_MAX_PAYLOAD_BYTES), having pulled at most one chunk past the limit. The server
 * process test (test/cli/serve.body-limits.test.ts) shows the memory this saves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/create-test-app.ts';
import { expectScimError, SCIM, useTestApp } from './scim-test-kit.ts';

const CHUNK_BYTES = 64 * 1024;
const MAX_BODY = 64 * 1024;
const BULK_MAX = 256 * 1024;

/** A body of `totalBytes` made on demand, counting what the server pulled. */
function countedStream(totalBytes: number): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
} {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK_BYTES).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= totalBytes) {
          controller.close();
          return;
        }
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

describe('request bodies are read up to the limit only', () => {
  const getApp = useTestApp('sqlite', {
    env: {
      ROSTER_MAX_BODY_BYTES: String(MAX_BODY),
      ROSTER_BULK_MAX_PAYLOAD_BYTES: String(BULK_MAX),
    },
  });
  const HUGE = 64 * 1024 * 1024;

  it('a chunked /Users body is read whole within the limit; past it, 413 after one chunk', async () => {
    const text = JSON.stringify({
      userName: 'streamed@example.com',
      name: { givenName: 'S', familyName: 'T' },
      emails: [{ value: 'streamed@example.com', primary: true }],
    });
    const bytes = new TextEncoder().encode(text);
    const small = new ReadableStream<Uint8Array>({
      start(controller) {
        // Split at an odd place: chunks are joined before decoding.
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const created = await getApp().request('POST', `${SCIM}/Users`, {
      raw: small,
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expect(created.status, created.text).toBe(201);

    const body = countedStream(HUGE);
    const response = await getApp().request('POST', `${SCIM}/Users`, {
      raw: body.stream,
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expectScimError(response, 413, 'tooLarge');
    expect(response.headers.get('connection')).toBe('close');
    expect(body.pulled()).toBeLessThanOrEqual(MAX_BODY + 2 * CHUNK_BYTES);
  });

  it('/Bulk reads up to its own payload limit, and no further', async () => {
    const body = countedStream(HUGE);
    const response = await getApp().request('POST', `${SCIM}/Bulk`, {
      raw: body.stream,
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expectScimError(response, 413, 'tooLarge');
    expect(response.body.detail).toContain(String(BULK_MAX));
    expect(body.pulled()).toBeGreaterThan(MAX_BODY);
    expect(body.pulled()).toBeLessThanOrEqual(BULK_MAX + 2 * CHUNK_BYTES);
  });

  it('an admin API body past the limit is a 413 request.too_large after one chunk past it', async () => {
    const body = countedStream(HUGE);
    const response = await getApp().request('POST', '/api/v1/accounts', {
      raw: body.stream,
      token: ADMIN_KEY,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 413, code: 'request.too_large' });
    expect(body.pulled()).toBeLessThanOrEqual(MAX_BODY + 2 * CHUNK_BYTES);
  });

  it('no HTTP code reads a request body whole (c.req.text/json/arrayBuffer/parseBody)', () => {
    const root = resolve(import.meta.dirname, '../../src/http');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    const offenders = files.filter((file) =>
      /\.req\.(text|json|arrayBuffer|blob|formData|parseBody)\(|\.raw\.(text|json|arrayBuffer|blob|formData)\(/.test(
        readFileSync(join(root, file), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
