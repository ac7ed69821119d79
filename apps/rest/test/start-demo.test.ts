// README: the start makes a demo account (and prints its live keys) on the embedded database,
// or where DEMO=on; on PostgreSQL it is off unless asked, and JWT_SECRET is required there.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, seedPgliteDataDir, type TestDatabase } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "./helpers.ts";
import { startMain, tokenOf } from "./main-process.ts";

const DEMO_ACCOUNT = /Demo account (\S+) created\./;
const SERVER_KEY = /SERVER API key: (\S+)/;
const LEFT = /^DEMO is off; the demo account (\S+) of an earlier start is left as it is/m;

describe("the demo on the embedded database", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tally-demo-"));
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

  it("is made by default, not with DEMO=off, and DEMO=off later says the old one is still there", async () => {
    const env = { TALLY_DATA_DIR: dataDir };
    const off = await startMain({ ...env, DEMO: "off" });
    await off.stop();
    expect(off.out()).toMatch(/Tally REST API on/);
    expect(off.out()).not.toMatch(/Demo account|API key/);

    const on = await startMain(env);
    await on.stop();
    const created = DEMO_ACCOUNT.exec(on.out())?.[1];
    expect(created).toBeDefined();
    expect(on.out()).toMatch(SERVER_KEY);

    const offAgain = await startMain({ ...env, DEMO: "off" });
    await offAgain.stop();
    expect(LEFT.exec(offAgain.out())?.[1]).toBe(created);
    expect(offAgain.out()).not.toMatch(/API key:/);
  }, 240_000);
});

describe.skipIf(!onPostgres)("the demo on PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.destroy());

  it("is off by default, made with DEMO=on; tokens outlive a restart with the same JWT_SECRET", async () => {
    const env = { DATABASE_URL: t.url!, JWT_SECRET: randomBytes(32).toString("hex") };
    const plain = await startMain(env);
    await plain.stop();
    expect(plain.out()).toMatch(/Tally REST API on .* \(PostgreSQL\)/);
    expect(plain.out()).not.toMatch(/Demo account|API key/);
    expect(await t.db.selectFrom("accounts").select("id").execute()).toEqual([]);
    expect(await t.db.selectFrom("api_keys").select("id").execute()).toEqual([]);

    const demo = await startMain({ ...env, DEMO: "on" });
    let token: string;
    try {
      expect(demo.out()).toMatch(DEMO_ACCOUNT);
      token = await tokenOf(demo.base, SERVER_KEY.exec(demo.out())![1]!);
    } finally {
      await demo.stop();
    }

    const later = await startMain(env);
    try {
      expect(LEFT.exec(later.out())?.[1]).toBe(DEMO_ACCOUNT.exec(demo.out())![1]);
      const res = await fetch(`${later.base}/customers/demo-customer`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await later.stop();
    }
  }, 240_000);
});
