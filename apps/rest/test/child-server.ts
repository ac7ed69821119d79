import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ChildServer {
  /** The API address, e.g. http://localhost:PORT/api/storefront/v1. */
  base: string;
  /** kill -9: the process dies wherever it is, its connections with it. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  output(): string;
}

/**
 * The REST server as production runs it (`src/main.ts`), in a child process of its own, so a
 * test can kill it mid-request. Resolves once it listens.
 */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: APP_ROOT,
    env: { ...process.env, PORT: "0", WORKER: "off", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const deadline = Date.now() + 60_000;
  let base: string | undefined;
  while (!base) {
    base = /Tally REST API on (http:\/\/\S+)/.exec(out)?.[1];
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not start:\n${out}`);
    }
    if (!base) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    output: () => out,
  };
}
