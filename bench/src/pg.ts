import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Creates a throw-away database on the server of `baseUrl`; returns its URL and a dropper. */
export async function scratchDatabase(baseUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** pgbench's built-in TPC-B-like script on its own database of the same server; returns tps. */
export async function pgbenchTps(
  baseUrl: string,
  opts: { clients: number; seconds: number },
): Promise<number> {
  const db = await scratchDatabase(baseUrl, "tally_pgbench");
  try {
    execFileSync("pgbench", ["-i", "-q", "-s", String(opts.clients), db.url], { stdio: "pipe" });
    return runPgbench(["-c", String(opts.clients), "-T", String(opts.seconds), db.url]);
  } finally {
    await db.drop();
  }
}

/** Runs pgbench (no vacuum, 2 threads) with `args`; returns its tps without connection time. */
export function runPgbench(args: string[]): number {
  const out = execFileSync("pgbench", ["-n", "-j", "2", ...args], { encoding: "utf8" });
  const match =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  if (!match) throw new Error(`could not read pgbench output:\n${out}`);
  return Number(match[1]);
}
