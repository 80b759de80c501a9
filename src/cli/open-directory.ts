import { loadConfig } from '../config.ts';
import { createDirectory, type Directory } from '../directory/directory.ts';
import { createStore } from '../store/create-store.ts';

/** For commands that read the database directly (a running server is not needed). */
export async function openDirectory(database: string | undefined): Promise<Directory> {
  const config = loadConfig({ database });
  const store = createStore(config.databaseUrl, { poolSize: 2 });
  await store.migrate();
  return createDirectory({ store });
}

/** Fixed-width columns for terminal tables. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
