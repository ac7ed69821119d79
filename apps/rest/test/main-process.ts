import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REST = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(REST, "src/main.ts");

export interface MainProcess {
  /** The API's address (from the printed banner). */
  base: string;
  out: () => string;
  exitCode: () => number | null;
  stop: () => Promise<void>;
  /** Sends `signal` and returns at once; `exited` resolves with the exit code. */
  signal: (signal: NodeJS.Signals) => void;
  exited: Promise<number | null>;
  /** kill -9: the process dies wherever it is, its connections with it. */
  kill: () => Promise<void>;
}

/**
 * Runs apps/rest/src/main.ts (port 0) with `env` over this process's environment less the
 * variables a start reads for its database, secret and demo; resolves once the start is complete
 * (its last line, the banner, is out) or the process has exited.
 */
export async function startMain(env: Record<string, string>): Promise<MainProcess> {
  const {
    DATABASE_URL: _url,
    DEMO: _demo,
    DEMO_API_KEY: _key,
    JWT_SECRET: _secret,
    ...inherited
  } = process.env;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REST,
    env: { ...inherited, LOG_LEVEL: "info", PORT: "0", INTERNAL_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!/Tally REST API on/.test(out) && child.exitCode === null) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`no banner:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base: `http://localhost:${/Tally REST API on http:\/\/localhost:(\d+)/.exec(out)?.[1]}/api/storefront/v1`,
    out: () => out,
    exitCode: () => child.exitCode,
    signal: (signal) => child.kill(signal),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A token for `key` from a running start, or the failed answer's status. */
export async function tokenOf(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/auth/authorize`, { headers: { "x-api-key": key } });
  if (res.status !== 200) throw new Error(`authorize: ${res.status}`);
  return ((await res.json()) as { data: string }).data;
}
