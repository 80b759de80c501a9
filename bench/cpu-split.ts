/**
 * Who used the cores during a scenario: CPU seconds (user + system, from /proc/<pid>/stat) of
 * the Roster instances, of every PostgreSQL process, and of this process (autocannon), divided
 * by wall time, so 2.0 means both cores of this machine were busy all along.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of one process in seconds, all its threads (live and exited) included, at the
 * kernel's 10 ms tick; 0 when it is gone or /proc is unavailable.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(+entry);
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

export interface CpuSplit {
  readonly roster: number;
  readonly postgres: number;
  readonly bench: number;
}

/**
 * Starts counting; the returned function gives cores used per wall second since then.
 * PostgreSQL backends that exit during the scenario are missed, so its figure is a lower bound.
 */
export function startCpuSplit(rosterPids: readonly number[]): () => CpuSplit {
  const sum = (pids: readonly number[], at: Map<number, number>) =>
    pids.reduce((total, pid) => total + cpuSeconds(pid) - (at.get(pid) ?? 0), 0);
  const snapshot = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  const rosterAt = snapshot(rosterPids);
  const postgresAt = snapshot(postgresPids());
  const benchAt = snapshot([process.pid]);
  const started = performance.now();
  return () => {
    const wall = (performance.now() - started) / 1000;
    return {
      roster: sum(rosterPids, rosterAt) / wall,
      postgres: sum(postgresPids(), postgresAt) / wall,
      bench: sum([process.pid], benchAt) / wall,
    };
  };
}
