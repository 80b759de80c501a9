/**
 * The console's static files, served by the app itself (never a CDN: the console makes no
 * request off the machine): htmx and Pico from node_modules, the console's own CSS and script
 * from `assets/`. Each is read once at start-up and served at `/assets/<hash>/<name>`, the hash
 * of its content in the URL, so browsers may keep it for a year and a new version is a new URL.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Hono } from 'hono';

interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly hash: string;
}

const require = createRequire(import.meta.url);
const own = (file: string) => new URL(`./assets/${file}`, import.meta.url);

const SOURCES = {
  'htmx.min.js': {
    path: require.resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'pico.min.css': {
    path: require.resolve('@picocss/pico/css/pico.min.css'),
    type: 'text/css; charset=utf-8',
  },
  'console.css': { path: own('console.css'), type: 'text/css; charset=utf-8' },
  'console.js': { path: own('console.js'), type: 'text/javascript; charset=utf-8' },
} as const;

export type AssetName = keyof typeof SOURCES;

export interface StaticAssets {
  /** `/assets/<hash>/<name>`. */
  url(name: AssetName): string;
  mount(app: Hono): void;
}

export function loadStaticAssets(): StaticAssets {
  const assets = new Map<string, Asset>();
  for (const [name, source] of Object.entries(SOURCES)) {
    const body = readFileSync(source.path);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    assets.set(name, { name, type: source.type, body, hash });
  }
  return {
    url(name) {
      const asset = assets.get(name) as Asset;
      return `/assets/${asset.hash}/${asset.name}`;
    },
    mount(app) {
      app.get('/assets/:hash/:name', (c) => {
        const asset = assets.get(c.req.param('name'));
        // Only the current hash: an old URL is a 404, never another version's content.
        if (!asset || asset.hash !== c.req.param('hash')) {
          return c.text('no such file', 404, { 'Cache-Control': 'no-store' });
        }
        return c.body(new Uint8Array(asset.body), 200, {
          'Content-Type': asset.type,
          'Cache-Control': 'public, max-age=31536000, immutable',
        });
      });
    },
  };
}
