// A bad environment value stops the server with one line naming the variable (not an uncaught
// Error with its stack).
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ZDbEnvSchema } from "@tally/db";
import { ZJobsEnvSchema } from "@tally/jobs";
import { describe, expect, it } from "vitest";
import { readEnv, readServerEnv } from "../src/env.ts";

const REST = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(REST, "src/main.ts");

/** Runs main.ts with `env` over this process's environment (less its database and demo). */
function start(env: Record<string, string>) {
  const {
    DATABASE_URL: _,
    DEMO: __,
    DEMO_API_KEY: ___,
    JWT_SECRET: ____,
    ...inherited
  } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REST,
    env: { ...inherited, TALLY_DATA_DIR: "/nonexistent/never-opened", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** A URL nothing listens on: the start must stop before it would connect. */
const NOWHERE = "postgres://postgres@127.0.0.1:1/never";

const CASES: [string, Record<string, string>][] = [
  ["PORT", { PORT: "abc" }],
  ["JWT_SECRET", { JWT_SECRET: "short" }],
  ["DB_POOL_SIZE", { DB_POOL_SIZE: "0" }],
  ["SCHEDULE_EXPIRE_LINES", { SCHEDULE_EXPIRE_LINES: "bogus" }],
  ["DEMO", { DEMO: "yes" }],
  ["DEMO_API_KEY", { DEMO_API_KEY: "demo-key-1" }],
  // 36 characters, UUID-shaped, but five digits repeated: far from a generated key.
  ["DEMO_API_KEY", { DEMO_API_KEY: "11111111-2222-4333-8444-555555555555" }],
  ["DEMO_API_KEY", { DEMO_API_KEY: "abcdefghijklmnopqrstuvwxyz0123456789" }],
  ["DEMO_API_KEY", { DEMO_API_KEY: randomUUID(), DEMO: "off" }],
  [
    "DEMO_API_KEY",
    { DEMO_API_KEY: randomUUID(), DATABASE_URL: NOWHERE, JWT_SECRET: "x".repeat(32) },
  ],
  ["JWT_SECRET", { DATABASE_URL: NOWHERE }],
  ["REQUEST_TIMEOUT_SECONDS", { REQUEST_TIMEOUT_SECONDS: "0" }],
  ["HEADERS_TIMEOUT_SECONDS", { HEADERS_TIMEOUT_SECONDS: "31" }],
  ["KEEP_ALIVE_TIMEOUT_SECONDS", { KEEP_ALIVE_TIMEOUT_SECONDS: "1.5" }],
];

// The rules, on the function the start calls; the start itself is run once below.
describe("bad environment values", () => {
  it.each(CASES)("%s (%j): refused in one line naming the variable", (name, env) => {
    let message = "";
    try {
      readServerEnv({ TALLY_DATA_DIR: "/nonexistent/never-opened", ...env });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^invalid environment: ${name}: `));
    expect(message).not.toContain("\n");
    // A refused key is not echoed into logs.
    if (env.DEMO_API_KEY) expect(message).not.toContain(env.DEMO_API_KEY);
  });

  it("stop the start: exit 1 with that one line on stderr, before the database is opened", () => {
    const r = start({ PORT: "abc" });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invalid environment: PORT: /);
  }, 60_000);
});

describe("defaults", () => {
  it("are the database's and the jobs' own, the same as in the importer", () => {
    const env = readEnv({});
    expect(env).toMatchObject(ZDbEnvSchema.parse({}));
    expect(env).toMatchObject(ZJobsEnvSchema.parse({}));
    expect([env.DB_POOL_SIZE, env.WORKER_POLL_MS, env.WORKER]).toEqual([10, 1000, "on"]);
  });
});
