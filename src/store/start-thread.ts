/**
 * Starts a worker thread from a module of this folder, compiled or not. Compiled (`dist/`, the
 * module is `.js`) it is loaded as is. From source (`tsx`, vitest) a worker does not inherit the
 * TypeScript loader, so a two-line bootstrap registers tsx's loader first; that costs about
 * 100 ms per thread, once.
 */
import { Worker } from 'node:worker_threads';

export function startThread(module: URL, workerData: unknown): Worker {
  if (module.pathname.endsWith('.js')) return new Worker(module, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** The module `name` (no extension) beside `from`, in the form this code runs as. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}
