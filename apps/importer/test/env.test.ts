import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ZDbEnvSchema } from "@tally/db";
import { ZJobsEnvSchema } from "@tally/jobs";
import { describe, expect, it } from "vitest";
import { readEnv } from "../src/env.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const CWD = fileURLToPath(new URL("..", import.meta.url));

/** Runs the standalone worker (embedded database in a temp dir) with `env`; kills it after `ms`. */
async function runWorker(env: Record<string, string>, ms: number) {
  const dataDir = await mkdtemp(join(tmpdir(), "tally-cron-"));
  // The embedded database: no DATABASE_URL.
  const { DATABASE_URL: _, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: CWD,
    env: { ...inherited, TALLY_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, ms);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  await rm(dataDir, { recursive: true, force: true });
  return { code, stdout, stderr };
}

describe("schedules in the environment", () => {
  it("refuses a cron expression croner cannot read or that never fires, naming the variable", () => {
    const refused: [string, string, RegExp][] = [
      ["SCHEDULE_EXPIRE_LINES", "61 * * * *", /not a cron expression .*minute/],
      ["SCHEDULE_DEMOTE_TIERS", "0 0 31 2 *", /never fires/],
      ["SCHEDULE_IMPORT_INBOX", "every minute", /not a cron expression/],
    ];
    for (const [name, pattern, message] of refused) {
      expect(() => readEnv({ [name]: pattern })).toThrow(new RegExp(`${name}: `));
      expect(() => readEnv({ [name]: pattern })).toThrow(message);
    }
    const env = readEnv({ SCHEDULE_EXPIRE_LINES: "off", SCHEDULE_DEMOTE_TIERS: "0 0 29 2 *" });
    expect([env.SCHEDULE_EXPIRE_LINES, env.SCHEDULE_DEMOTE_TIERS]).toEqual(["off", "0 0 29 2 *"]);
    expect(readEnv({}).SCHEDULE_EXPIRE_RESERVATIONS).toBe("* * * * *");
  });

  it("the worker stops at start with one line naming the variable, before it runs anything", async () => {
    const r = await runWorker({ SCHEDULE_EXPIRE_LINES: "61 * * * *" }, 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid environment: SCHEDULE_EXPIRE_LINES: not a cron expression");
    expect(r.stderr.length).toBeLessThan(2_000);
    expect(r.stdout).toBe("");
  }, 60_000);
});

describe("defaults", () => {
  it("are the database's and the jobs' own, the same as in the REST app", () => {
    const env = readEnv({});
    expect(env).toMatchObject(ZDbEnvSchema.parse({}));
    expect(env).toMatchObject(ZJobsEnvSchema.omit({ WORKER: true }).parse({}));
    expect([env.DB_POOL_SIZE, env.WORKER_POLL_MS]).toEqual([10, 1000]);
    // The standalone worker always runs the jobs: WORKER is the REST app's switch.
    expect(readEnv({ WORKER: "off" })).not.toHaveProperty("WORKER");
  });
});
