import { readFile } from "node:fs/promises";
import pg from "pg";

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined once it is gone. */
async function cpuOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (!stat) return undefined;
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/**
 * Samples the CPU of PostgreSQL's backends of one database (the server's own processes on
 * this machine, read from /proc) every `everyMs` until stopped: what the work on that database
 * cost the server. Backends that appear while sampling count from zero (a backend is forked per
 * connection); one that exits between two samples loses at most its last interval. Background
 * processes (WAL writer, checkpointer) are not counted.
 */
export async function samplePostgresCpu(url: string, everyMs = 200) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const pids = async () =>
    (
      await client.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
      )
    ).rows.map((r) => r.pid);
  const start = new Map<number, number>();
  for (const pid of await pids()) start.set(pid, (await cpuOf(pid)) ?? 0);
  const last = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of await pids()) {
        const cpu = await cpuOf(pid);
        if (cpu !== undefined) last.set(pid, cpu);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    /** Stops sampling; answers the CPU seconds the database's backends used meanwhile. */
    async stop(): Promise<number> {
      running = false;
      await loop;
      for (const pid of last.keys()) {
        const cpu = await cpuOf(pid);
        if (cpu !== undefined) last.set(pid, cpu);
      }
      await client.end();
      let total = 0;
      for (const [pid, cpu] of last) total += cpu - (start.get(pid) ?? 0);
      return total;
    },
  };
}
