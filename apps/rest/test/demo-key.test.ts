// README: "with DEMO_API_KEY set, the demo account's SERVER key is that value" — on a later
// start too, when the demo exists already (say its first key was lost).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedPgliteDataDir } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REST = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(REST, "src/main.ts");
let dataDir: string;

async function startServer(env: Record<string, string> = {}) {
  const {
    DATABASE_URL: _,
    DEMO: __,
    DEMO_API_KEY: ___,
    JWT_SECRET: ____,
    ...inherited
  } = process.env;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REST,
    env: {
      ...inherited,
      LOG_LEVEL: "info",
      TALLY_DATA_DIR: dataDir,
      PORT: "0",
      INTERNAL_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  // The banner, then (first start) the demo block; a later start prints nothing more, or a line.
  while (
    !/Tally REST API on/.test(out) ||
    (!/order-1|already exists/.test(out) && !env.DEMO_API_KEY)
  ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 2_000)); // let the demo check run
  const port = /Tally REST API on http:\/\/localhost:(\d+)/.exec(out)?.[1];
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  return { base: `http://localhost:${port}/api/storefront/v1`, out: () => out, stop };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-demokey-"));
  await seedPgliteDataDir(dataDir); // migrated, as a first start leaves it
});
afterAll(async () => {
  for (const path of [dataDir, `${dataDir}.jwt-secret`, `${dataDir}.lock`])
    await rm(path, { recursive: true, force: true });
});

describe("DEMO_API_KEY on a second start", () => {
  it("becomes one of the demo's SERVER keys, and the start says so", async () => {
    const first = await startServer();
    const printed = /SERVER API key: (\S+)/.exec(first.out())?.[1];
    await first.stop();
    expect(printed).toBeDefined();

    const key = randomUUID();
    const second = await startServer({ DEMO_API_KEY: key });
    try {
      const res = await fetch(`${second.base}/auth/authorize`, { headers: { "x-api-key": key } });
      expect(res.status).toBe(200);
      expect(second.out()).toMatch(
        /Demo account \S+: DEMO_API_KEY is now one of its SERVER keys\./,
      );
      // The first key still works.
      const old = await fetch(`${second.base}/auth/authorize`, {
        headers: { "x-api-key": printed! },
      });
      expect(old.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
