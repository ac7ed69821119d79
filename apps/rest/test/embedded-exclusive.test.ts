// The embedded (PGlite) data folder: a second process opening it while another holds it
// would answer success and lose its writes, so it is refused.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { seedPgliteDataDir } from "@tally/db/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

const REST = fileURLToPath(new URL("..", import.meta.url));
const IMPORTER = fileURLToPath(new URL("../../importer", import.meta.url));
const MAIN = join(REST, "src/main.ts");
const ADMIN = join(REST, "src/admin.ts");
const IMPORT_CLI = join(IMPORTER, "src/cli.ts");
const PREFIX = "/api/storefront/v1";

let dataDir: string;
const {
  DATABASE_URL: _,
  DEMO: __,
  DEMO_API_KEY: ___,
  JWT_SECRET: ____,
  ...inherited
} = process.env;
const baseEnv = () => ({ ...inherited, LOG_LEVEL: "info", TALLY_DATA_DIR: dataDir });

interface Server {
  child: ChildProcess;
  base: string;
  out: () => string;
}

/** Starts apps/rest/src/main.ts on the embedded database (port 0) and waits for its banner. */
async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REST,
    env: { ...baseEnv(), PORT: "0", INTERNAL_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!/Tally REST API on|cannot listen|Error/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = /Tally REST API on http:\/\/localhost:(\d+)/.exec(out)?.[1];
  return { child, base: `http://localhost:${port}${PREFIX}`, out: () => out };
}

async function stopServer(s: Server) {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.on("exit", r));
  s.child.kill("SIGTERM");
  await exited;
}

async function run(file: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", file, ...args],
      { cwd, env: baseEnv() },
    );
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

const authorize = (base: string, key: string) =>
  fetch(`${base}/auth/authorize`, { headers: { "x-api-key": key } });

const dirs: string[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-exclusive-"));
  await seedPgliteDataDir(dataDir); // migrated, as a first start leaves it
  dirs.push(dataDir, `${dataDir}.lock`, `${dataDir}.jwt-secret`, `${dataDir}.operator-token`);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const IN_USE =
  /^the embedded database in .* is in use by process \d+ \(pnpm start\?\): stop it first, or use DATABASE_URL$/m;

describe("the embedded database is one process's alone", () => {
  it("while the server runs, the importer and a second server are refused in one line, writing nothing; admin goes through its internal API", async () => {
    const server = await startServer();
    try {
      const admin = await run(ADMIN, ["create-account", "--name", "Acme"], REST);
      expect(admin.code, admin.out).toBe(0);
      const made = JSON.parse(admin.out) as { server_key: string };
      expect((await authorize(server.base, made.server_key)).status).toBe(200);
      const file = `${dataDir}-customers.ndjson`;
      dirs.push(file, `${file}.rejected.ndjson`);
      await writeFile(file, '{"id":"imported-1"}\n');
      const accountId = "00000000-0000-7000-8000-000000000000";
      const imported = await run(IMPORT_CLI, [file, "--account", accountId], IMPORTER);
      expect(imported.code).toBe(2);
      expect(imported.out.trim()).toMatch(IN_USE);
      const second = await run(MAIN, [], REST);
      expect(second.code).toBe(1);
      expect(second.out.trim()).toMatch(IN_USE);
      // The running server is unharmed and still answers.
      const key = /SERVER API key: (\S+)/.exec(server.out())?.[1];
      expect((await authorize(server.base, key!)).status).toBe(200);
    } finally {
      await stopServer(server);
    }
    // Stopped, it gave the folder back: the admin command runs.
    const admin = await run(ADMIN, ["create-account", "--name", "Acme"], REST);
    expect(admin.code, admin.out).toBe(0);
  }, 180_000);

  it("a lock left by a process that died is taken over", async () => {
    const gone = spawn(process.execPath, ["-e", "0"]);
    await new Promise((r) => gone.on("exit", r));
    await writeFile(`${dataDir}.lock`, String(gone.pid));
    const admin = await run(ADMIN, ["create-account", "--name", "Acme"], REST);
    expect(admin.code, admin.out).toBe(0);
  }, 60_000);
});
