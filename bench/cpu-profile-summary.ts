/**
 * Summarises a V8 CPU profile (`--cpu-prof`) per request: self time by function and by source
 * file or package, and inclusive time by file or package. `npx tsx bench/cpu-profile-summary.ts
 * <file.cpuprofile> <requests>` prints the summary of a profile taken elsewhere.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fmt, log } from './report.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
export interface CpuProfile {
  /** Microseconds on the monotonic clock (`process.hrtime`'s, in µs). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A short place for a frame: `src/http/scim/users.ts`, `hono`, `(garbage collector)`. */
function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path);
  }
  if (path.startsWith('node:')) return path;
  return relative(process.cwd(), path);
}

/**
 * `fromUs`: only samples taken at or after this monotonic time (µs, as `process.hrtime`), so
 * start-up (loading and compiling modules) is not charged to requests.
 */
export function summariseProfile(profile: CpuProfile, requests: number, fromUs = 0): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const selfPlace = new Map<string, number>();
  const inclusivePlace = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((sample, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    at += us;
    if (at < fromUs) return;
    const node = byId.get(sample);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    const place = placeOf(url, functionName);
    add(self, `${functionName || '(anonymous)'} ${place}:${lineNumber + 1}`, us);
    add(selfPlace, place, us);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      const at = placeOf(frame.url, frame.functionName);
      if (!seen.has(at)) {
        seen.add(at);
        add(inclusivePlace, at, us);
      }
    }
  });
  const perRequest = (us: number) => `${fmt(us / requests, 1)} µs`;
  const share = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
  const top = (map: Map<string, number>, n: number, title: string) => {
    log(`\n${title}`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      log(`  ${share(us).padStart(6)}  ${perRequest(us).padStart(10)}  ${key}`);
    }
  };
  log(
    `\nCPU busy ${fmt(total / 1000)} ms, idle ${fmt(idle / 1000)} ms, ${fmt(requests)} requests: ${perRequest(total)} of CPU per request`,
  );
  top(selfPlace, 25, 'Self time by place');
  top(inclusivePlace, 40, 'Inclusive time by place (a sample counts once per place)');
  top(self, Number(process.env.PROFILE_TOP ?? 40), 'Self time by function');
}

if (process.argv[1]?.endsWith('cpu-profile-summary.ts') && process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile;
  summariseProfile(profile, Number(process.argv[3] ?? 1));
}
