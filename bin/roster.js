#!/usr/bin/env node
// `roster`, from a clone or through `npm link`: the compiled CLI in dist/ when `npm run build`
// made it and nothing in src/ changed since (about 0.2 s to start), else the TypeScript in src/
// through tsx (about a second more, compiling as it loads).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/cli/main.js', root);

/** Newest modification time of the files under a folder, in ms (0 when it does not exist). */
function newest(folder) {
  let latest = 0;
  try {
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = `${entry.parentPath ?? entry.path}/${entry.name}`;
      latest = Math.max(latest, statSync(path).mtimeMs);
    }
  } catch {
    return 0;
  }
  return latest;
}

function builtAt() {
  try {
    return statSync(compiled).mtimeMs;
  } catch {
    return undefined;
  }
}

const built = builtAt();
if (built !== undefined && built >= newest(new URL('src/', root))) {
  await import(compiled.href);
} else {
  if (built !== undefined) {
    // A stale build would run code that is no longer in src/: never that.
    process.stderr.write('roster: dist/ is older than src/, so this runs src/ (npm run build)\n');
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
