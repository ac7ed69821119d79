// README: on the embedded database without JWT_SECRET, tokens are signed with a secret kept
// beside the data folder (mode 0600), so they outlive a restart; JWT_SECRET, when set, wins.
// The start also takes its request timeouts from the environment.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedPgliteDataDir } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMain, tokenOf } from "./main-process.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-secret-"));
  await seedPgliteDataDir(dataDir); // migrated, as a first start leaves it
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

const tiers = (base: string, token: string) =>
  fetch(`${base}/tiers`, { headers: { authorization: `Bearer ${token}` } });

/** Seconds until the server closes a connection that sent its headers and half its body. */
async function slowBodyClosedAfter(base: string, token: string): Promise<number> {
  const { port, pathname } = new URL(`${base}/customers`);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  const started = Date.now();
  socket.on("error", () => {});
  socket.resume(); // read (and drop) the 408, so its end is seen
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":',
  );
  await new Promise((r) => {
    const giveUp = setTimeout(r, 20_000);
    socket.once("close", () => r(clearTimeout(giveUp)));
  });
  socket.destroy();
  return (Date.now() - started) / 1000;
}

describe("the token secret of the embedded database", () => {
  it("is made once, kept at <data dir>.jwt-secret (0600) and outlives a restart; JWT_SECRET wins over it", async () => {
    const env = { TALLY_DATA_DIR: dataDir };
    const first = await startMain({
      ...env,
      REQUEST_TIMEOUT_SECONDS: "2",
      HEADERS_TIMEOUT_SECONDS: "1",
    });
    let token: string;
    let serverKey: string;
    try {
      serverKey = /SERVER API key: (\S+)/.exec(first.out())![1]!;
      token = await tokenOf(first.base, serverKey);
      expect((await tiers(first.base, token)).status).toBe(200);
      // REQUEST_TIMEOUT_SECONDS reaches the server: a stalled body is cut after 2 s, not 300.
      const closedAfter = await slowBodyClosedAfter(first.base, token);
      expect(closedAfter).toBeGreaterThanOrEqual(1.9);
      expect(closedAfter).toBeLessThan(5);
    } finally {
      await first.stop();
    }
    const file = `${dataDir}.jwt-secret`;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const kept = await readFile(file, "utf8");
    expect(kept.trim()).toMatch(/^[0-9a-f]{64}$/);

    const second = await startMain(env);
    try {
      expect((await tiers(second.base, token)).status).toBe(200);
    } finally {
      await second.stop();
    }

    const third = await startMain({ ...env, JWT_SECRET: randomBytes(32).toString("hex") });
    try {
      expect((await tiers(third.base, token)).status).toBe(401);
      const own = await tokenOf(third.base, serverKey);
      expect((await tiers(third.base, own)).status).toBe(200);
    } finally {
      await third.stop();
    }
    expect(await readFile(file, "utf8")).toBe(kept);
  }, 240_000);
});
