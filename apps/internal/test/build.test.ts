// The production build: `pnpm build` bundles the internal API into dist/main.js, which serves
// with plain node (no tsx) on the embedded database, or on PostgreSQL when DATABASE_URL is set.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, runBundle } from "@tally/build-preset/testing";
import { createTallyClient } from "@tally/client";
import { createDb, migrateToLatest } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createServiceToken } from "@tally/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const INTERNAL = fileURLToPath(new URL("..", import.meta.url));
let dir: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tally-built-internal-"));
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url! };
    token = (await createServiceToken(database.db, { accountId: null, name: "built" })).token;
  } else {
    env = { TALLY_DATA_DIR: join(dir, "pglite") };
    const { db } = createDb({ dataDir: env.TALLY_DATA_DIR });
    await migrateToLatest(db);
    token = (await createServiceToken(db, { accountId: null, name: "built" })).token;
    await db.destroy();
  }
  await buildApp(INTERNAL);
});

afterAll(async () => {
  await database?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("the built internal API", () => {
  it("dist/main.js serves the typed client and stops on SIGTERM", async () => {
    const app = runBundle("dist/main.js", [], {
      cwd: INTERNAL,
      env: { ...env, INTERNAL_PORT: "0" },
    });
    try {
      const [, url] = await app.waitFor(/Tally internal API on (http\S+)/);
      const client = createTallyClient({ url: url!, token });
      const account = await client.accounts.create.mutate({ name: "Built" });
      expect(await client.accounts.get.query({ account_id: account.id })).toEqual(account);
    } finally {
      expect(await app.stop("SIGTERM"), app.output()).toEqual({ code: 0, signal: null });
    }
  }, 120_000);
});
