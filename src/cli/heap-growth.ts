/**
 * How far V8 lets the JavaScript heap grow past what its last full collection kept alive.
 *
 * V8 sets the next full collection's threshold at the live size times a factor it picks from
 * how fast collection runs, up to 4. A server's live heap is small (about 26 MB at 1M users),
 * but under IdP load the requests waiting for a group commit survive young collections and are
 * promoted, so the old generation fills with garbage up to that threshold: measured at 1M
 * users under creates, the heap reached 142 MB (106 MB of old space) with 26 MB live, and the
 * process peaked at 256 MB resident. With the factor held at 1.5 the same load peaked at
 * 191 MB, at no throughput cost the runs could resolve (docs/performance.md, "Memory").
 *
 * The flag is set at run time, before the server allocates much; V8 reads it each time it
 * computes a threshold, and worker threads share it. An operator who starts Node with
 * `--heap-growing-percent` of their own keeps it (`=0` restores V8's own choice).
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/** Holds V8's heap growing factor at 1 + HEAP_GROWING_PERCENT / 100, unless Node was told. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((argument) => FLAG.test(argument))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
