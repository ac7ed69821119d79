// Graceful shutdown of a real `main.ts` process: SIGTERM stops accepting, lets the request in
// flight finish, then exits 0; a request that outlives SHUTDOWN_TIMEOUT_SECONDS gets the
// process forced out with exit 1.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MainProcess, startMain, tokenOf } from "./main-process.ts";

const KEY = randomBytes(32).toString("hex");
let dataDir: string;
let main: MainProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-shutdown-"));
});
afterEach(async () => {
  await main?.kill();
  for (const path of [dataDir, `${dataDir}.jwt-secret`, `${dataDir}.lock`])
    await rm(path, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST /customers whose body is sent in two halves: the request is in flight (its headers
 * read, its body awaited) until `finish` sends the rest. `status` resolves with the answer's.
 */
function slowCreate(base: string, token: string) {
  const body = JSON.stringify({
    id: `slow-${randomBytes(4).toString("hex")}`,
    is_anonymous: false,
  });
  const url = new URL(`${base}/customers`);
  let answered: (status: number) => void;
  let failed: (error: Error) => void;
  const status = new Promise<number>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const req = http.request(
    {
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      },
    },
    (res) => {
      res.resume();
      res.on("end", () => answered(res.statusCode ?? 0));
    },
  );
  req.on("error", (error) => failed(error));
  req.write(body.slice(0, 10));
  return { status, finish: () => req.end(body.slice(10)) };
}

describe("graceful shutdown (SIGTERM)", () => {
  it("the request in flight finishes, new connections are refused, then exit 0", async () => {
    main = await startMain({ TALLY_DATA_DIR: dataDir, DEMO_API_KEY: KEY });
    const token = await tokenOf(main.base, KEY);
    const slow = slowCreate(main.base, token);
    await sleep(300);
    main.signal("SIGTERM");
    await sleep(500);
    await expect(fetch(`${main.base}/healthz`)).rejects.toThrow();
    expect(main.exitCode()).toBeNull();
    slow.finish();
    expect(await slow.status).toBe(201);
    expect(await main.exited).toBe(0);
    const lines = main
      .out()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "shut down"]));
  });

  it("a request outliving SHUTDOWN_TIMEOUT_SECONDS gets the process forced out with exit 1", async () => {
    main = await startMain({
      TALLY_DATA_DIR: dataDir,
      DEMO_API_KEY: KEY,
      SHUTDOWN_TIMEOUT_SECONDS: "1",
    });
    const token = await tokenOf(main.base, KEY);
    const slow = slowCreate(main.base, token);
    slow.status.catch(() => {}); // its connection dies with the process
    await sleep(300);
    const signalled = Date.now();
    main.signal("SIGTERM");
    expect(await main.exited).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
    expect(main.out()).toContain("shutdown deadline passed with work still running: forced exit");
  });
});
