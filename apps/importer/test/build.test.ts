// The production build: `pnpm build` bundles the worker and the import CLI into dist/, and both
// run with plain node (no tsx) on the embedded database, or on PostgreSQL when DATABASE_URL is set.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, runBundle } from "@tally/build-preset/testing";
import { createDb, migrateToLatest } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createAccount } from "@tally/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const IMPORTER = fileURLToPath(new URL("..", import.meta.url));
let dir: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;
let accountId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tally-built-importer-"));
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url! };
    accountId = (await createAccount(database.db, { name: "built" })).id;
  } else {
    env = { TALLY_DATA_DIR: join(dir, "pglite") };
    const { db } = createDb({ dataDir: env.TALLY_DATA_DIR });
    await migrateToLatest(db);
    accountId = (await createAccount(db, { name: "built" })).id;
    await db.destroy();
  }
  await buildApp(IMPORTER);
});

afterAll(async () => {
  await database?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("the built importer", () => {
  it("dist/main.js, the worker, polls the job queue and stops on SIGTERM", async () => {
    const worker = runBundle("dist/main.js", [], { cwd: IMPORTER, env });
    try {
      await worker.waitFor(/polling migration jobs/);
    } finally {
      expect(await worker.stop("SIGTERM"), worker.output()).toEqual({ code: 0, signal: null });
    }
  }, 120_000);

  it("dist/cli.js imports a file of customers", async () => {
    const file = join(dir, "customers.ndjson");
    await writeFile(file, '{"id":"c1","name":"Ana"}\n{"id":"c2","name":"Bo"}\n');
    const cli = runBundle("dist/cli.js", [file, "--account", accountId], { cwd: IMPORTER, env });
    expect(await cli.exited(), cli.output()).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(cli.output().trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ lines: 2, accepted: 2, rejected: 0, fileRejected: 0 });
  }, 90_000);
});
