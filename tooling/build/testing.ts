import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

/** Runs `pnpm run build` in `appDir` (once per test file); rejects with the build's output. */
export async function buildApp(appDir: string): Promise<void> {
  await promisify(execFile)("pnpm", ["run", "build"], { cwd: appDir }).catch((error) => {
    throw new Error(`pnpm build failed in ${appDir}:\n${error.stdout}\n${error.stderr}`);
  });
}

/**
 * `pnpm deploy --legacy --prod` of the app in `appDir` into `outDir`, as the Dockerfile does: its
 * package.json, dist/ and a node_modules of its production dependencies only.
 */
export async function deployApp(appDir: string, outDir: string): Promise<void> {
  await promisify(execFile)("pnpm", ["--filter", ".", "deploy", "--legacy", "--prod", outDir], {
    cwd: appDir,
  }).catch((error) => {
    throw new Error(`pnpm deploy failed in ${appDir}:\n${error.stdout}\n${error.stderr}`);
  });
}

export interface TBundleProcess {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with its exit code and signal once it exits by itself. */
  exited(): Promise<{ code: number | null; signal: string | null }>;
  /** Sends `signal` (unless it has exited) and resolves with its exit code and signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
}

/**
 * Runs a built file with plain `node` (no tsx anywhere), in `cwd`, with the test process's
 * environment less the variables that choose a database or a demo, plus `env`.
 */
export function runBundle(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): TBundleProcess {
  const {
    DATABASE_URL: _,
    DEMO: __,
    DEMO_API_KEY: ___,
    JWT_SECRET: ____,
    NODE_OPTIONS: _____,
    ...inherited
  } = process.env;
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", file, ...args], {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    output: () => out,
    async waitFor(pattern, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline)
          throw new Error(`${file} never printed ${pattern}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exited: () => exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
