import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDb } from "@tally/db";
import { seedPgliteDataDir } from "@tally/db/testing";
import { verifyServiceToken } from "@tally/service";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_PREFIX, createApp } from "../src/app.ts";

const ADMIN = fileURLToPath(new URL("../src/admin.ts", import.meta.url));
let dataDir: string;

/** Runs `tally-admin` on the embedded database in `dataDir`; answers its exit code and output. */
async function admin(...args: string[]) {
  const { DATABASE_URL: _, ...env } = process.env;
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", ADMIN, ...args],
      { env: { ...env, TALLY_DATA_DIR: dataDir } },
    );
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}`.trim() };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-admin-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("tally-admin keys", () => {
  it("creates keys of the kind asked, refuses an unknown kind, and revokes a key", async () => {
    // Asking for the options (no or an unknown command) opens no database.
    for (const args of [[], ["help"]]) {
      const usage = await admin(...args);
      expect(usage.code).toBe(2);
      expect(usage.out).toMatch(/^usage: tally-admin <command>/);
    }
    expect(await readdir(dataDir)).toEqual([]);
    // The rest runs on a migrated database, as a first start leaves it.
    await seedPgliteDataDir(dataDir);
    const created = await admin("create-account", "--name", "Admin test");
    expect(created.code).toBe(0);
    const { account_id: accountId, server_key: serverKey } = JSON.parse(created.out);
    // A mistyped kind is refused rather than made a SERVER key.
    const typo = await admin("create-key", "--account", accountId, "--kind", "CLEINT");
    expect(typo.code).toBe(2);
    expect(typo.out).toMatch(/--kind must be SERVER or CLIENT, not CLEINT/);
    const client = JSON.parse(
      (await admin("create-key", "--account", accountId, "--kind", "client")).out,
    );
    expect(client.kind).toBe("CLIENT");
    const second = JSON.parse((await admin("create-key", "--account", accountId)).out);
    expect(second.kind).toBe("SERVER");

    expect(await admin("revoke-key", "--account", accountId, "--id", second.id)).toEqual({
      code: 0,
      out: "key revoked",
    });
    const again = await admin("revoke-key", "--account", accountId, "--id", second.id);
    expect(again).toEqual({ code: 1, out: "no such active key in this account" });

    const { db } = createDb({ dataDir });
    try {
      const app = createApp({ db, now: () => new Date(), jwtSecret: randomBytes(32) });
      const authorize = (key: string) =>
        request(app).get(`${API_PREFIX}/auth/authorize`).set("x-api-key", key);
      expect((await authorize(serverKey)).status).toBe(200);
      expect((await authorize(client.key)).status).toBe(200);
      const revoked = await authorize(second.key);
      expect(revoked.status).toBe(401);
      expect(revoked.body.error).toBe("UNAUTHORIZED");
      // The CLIENT key's token is a CLIENT token: SERVER-only routes are 403.
      const token = (await authorize(client.key)).body.data as string;
      const tiers = await request(app)
        .get(`${API_PREFIX}/tiers`)
        .set("authorization", `Bearer ${token}`);
      expect(tiers.status).toBe(403);
    } finally {
      await db.destroy();
    }
  }, 300_000); // five runs of the CLI opening the embedded database (~35 s each on a loaded machine)
});

describe("tally-admin service tokens", () => {
  it("creates operator-wide and account tokens that verify, and revokes them", async () => {
    const operator = await admin("create-service-token", "--name", "ops");
    expect(operator.code, operator.out).toBe(0);
    const op = JSON.parse(operator.out);
    expect(op).toMatchObject({ account_id: null, token: expect.stringMatching(/^tly_/) });
    const { account_id: accountId } = JSON.parse(
      (await admin("create-account", "--name", "T")).out,
    );
    const scoped = JSON.parse(
      (await admin("create-service-token", "--name", "svc", "--account", accountId)).out,
    );
    expect(scoped.account_id).toBe(accountId);
    const revoked = await admin("revoke-service-token", "--id", scoped.id, "--account", accountId);
    expect(revoked.code, revoked.out).toBe(0);
    expect(revoked.out).toMatch(/^service token revoked at \d{4}-/);
    // Another account's (here: no account's) token is refused with the API's own words.
    const missing = await admin("revoke-service-token", "--id", scoped.id);
    expect(missing).toEqual({ code: 1, out: `NOT_FOUND: service token "${scoped.id}" not found` });

    const { db } = createDb({ dataDir });
    try {
      await expect(verifyServiceToken(db, `Bearer ${op.token}`)).resolves.toMatchObject({
        accountId: null,
      });
      await expect(verifyServiceToken(db, `Bearer ${scoped.token}`)).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
    } finally {
      await db.destroy();
    }
  }, 300_000); // five runs of the CLI opening the embedded database
});
