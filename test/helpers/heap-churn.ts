/**
 * Child process for test/cli/heap-growth.test.ts: optionally holds V8's heap growth as `serve`
 * does, then keeps about 200,000 small objects alive while replacing them (each survives long
 * enough to be promoted, as requests waiting for a commit do), and prints the largest heap V8
 * committed, in MB, with whether the limit was set.
 */
import { limitHeapGrowth } from '../../src/cli/heap-growth.ts';

const limited = process.argv[2] === 'limit' ? limitHeapGrowth() : false;
const alive: object[] = [];
let peak = 0;
for (let i = 0; i < 3_000_000; i++) {
  alive.push({ n: i, text: `item ${i}`, list: [i] });
  if (alive.length > 200_000) alive.splice(0, 1000);
  if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(JSON.stringify({ limited, peakMb: peak / 2 ** 20 }));
