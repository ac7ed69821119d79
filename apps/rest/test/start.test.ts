// `pnpm start` (the README's quick start) runs the app through turbo: its lines must come out
// unprefixed, so the printed curl lines can be pasted as printed, and every variable the app
// reads must reach it (turbo's strict env mode drops those turbo.json does not list).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZEnvSchema } from "../src/env.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
let dataDir: string;

/** `pnpm start` at the repository root, in its own process group; resolves at `until` or exit. */
async function pnpmStart(env: Record<string, string>, until: RegExp) {
  const {
    DATABASE_URL: _,
    DEMO: __,
    DEMO_API_KEY: ___,
    JWT_SECRET: ____,
    ...inherited
  } = process.env;
  const child: ChildProcess = spawn("pnpm", ["start"], {
    cwd: ROOT,
    env: { ...inherited, TALLY_DATA_DIR: dataDir, PORT: "0", INTERNAL_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.on("exit", r));
  const deadline = Date.now() + 90_000;
  while (!until.test(out) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid!, "SIGINT");
      await exited;
    }
  };
  return { out: () => out, stop, exitCode: () => child.exitCode };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-start-"));
});
afterAll(async () => {
  for (const path of [
    dataDir,
    `${dataDir}.jwt-secret`,
    `${dataDir}.lock`,
    `${dataDir}.operator-token`,
  ])
    await rm(path, { recursive: true, force: true });
});

describe("pnpm start as the README shows it", () => {
  it("the printed curl lines earn points when pasted into a shell as printed", async () => {
    const started = await pnpmStart({}, /order-1.*\n/);
    try {
      const lines = started.out().split("\n");
      const from = lines.findIndex((l) => l.includes("Earn points:"));
      expect(from).toBeGreaterThan(0);
      const pasted = lines.slice(from + 1, from + 4).join("\n");
      const shell = spawn("bash", ["-c", pasted], { stdio: ["ignore", "pipe", "pipe"] });
      let answer = "";
      shell.stdout!.on("data", (d) => (answer += d));
      shell.stderr!.on("data", (d) => (answer += d));
      await new Promise((r) => shell.on("exit", r));
      expect(answer).toContain('"status":"RESOLVED"');
    } finally {
      await started.stop();
    }
  }, 120_000);

  it.each(["start", "start:built"])(
    "turbo.json passes every variable the app reads to %s",
    async (task) => {
      const turbo = JSON.parse(await readFile(join(ROOT, "turbo.json"), "utf8"));
      const passed: string[] = [...turbo.globalEnv, ...turbo.tasks[task].env];
      const reaches = (name: string) =>
        passed.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : p === name));
      expect(Object.keys(ZEnvSchema.shape).filter((name) => !reaches(name))).toEqual([]);
    },
  );

  it.each([
    ["DB_PREPARED_STATEMENTS", "bogus"],
    ["INBOX_QUIET_SECONDS", "abc"],
  ])(
    "%s reaches the app (a bad value is refused naming it)",
    async (name, value) => {
      const started = await pnpmStart({ [name]: value }, /Tally REST API on|invalid environment/);
      await started.stop();
      expect(started.out()).toContain(`invalid environment: ${name}`);
    },
    120_000,
  );
});
