import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads) in ms, and its parent; null once it is gone. */
function statOf(pid: number): { cpuMs: number; ppid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: fields count from after it.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuMs: (ticks * 1000) / TICKS, ppid };
}

/** `roots` and every process below them (an app that forks would count its children too). */
function withDescendants(roots: number[]): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = statOf(pid);
    if (stat) parents.set(pid, stat.ppid);
  }
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

type Snapshot = Map<number, number>;

const snapshot = (pids: number[]): Snapshot =>
  new Map(pids.flatMap((pid) => (statOf(pid) ? [[pid, statOf(pid)!.cpuMs] as const] : [])));

/** CPU spent between two snapshots; a process born in between counts from zero. */
function spent(before: Snapshot, after: Snapshot): number {
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

/** CPU time (ms) of each side over one measured interval. */
export interface CpuSpent {
  /** Every app process (utime + stime from /proc). */
  app: number;
  /** The PostgreSQL backends connected to the benchmark's database. */
  postgres: number;
  /** This process: the load generator. */
  generator: number;
}

/**
 * Starts measuring CPU from /proc: the app processes `appPids` (and their children), the
 * PostgreSQL backends of `database` on the server of `serverUrl` (found in pg_stat_activity,
 * so other databases' work on a shared server is left out; a backend that exits before the end
 * is lost, and the server's shared processes — WAL writer, checkpointer, autovacuum — are not
 * counted), and this process. The returned function ends the interval.
 */
export async function startCpuMeter(opts: {
  appPids: number[];
  serverUrl: string;
  database: string;
}): Promise<() => Promise<CpuSpent>> {
  const client = new pg.Client({ connectionString: opts.serverUrl });
  await client.connect();
  const backends = async () => {
    const { rows } = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [opts.database],
    );
    return rows.map((r) => r.pid);
  };
  const apps = withDescendants(opts.appPids);
  const app0 = snapshot(apps);
  const pg0 = snapshot(await backends());
  const gen0 = process.cpuUsage();
  return async () => {
    const gen = process.cpuUsage(gen0);
    const app1 = snapshot(withDescendants(opts.appPids));
    const pg1 = snapshot(await backends());
    await client.end();
    return {
      app: spent(app0, app1),
      postgres: spent(pg0, pg1),
      generator: (gen.user + gen.system) / 1000,
    };
  };
}
