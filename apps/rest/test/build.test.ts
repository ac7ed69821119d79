// The production build: `pnpm build` bundles the app into dist/, and `node dist/main.js` (no tsx)
// starts on the embedded database, or on PostgreSQL when DATABASE_URL is set, and answers; run
// from a `pnpm deploy --prod` folder, as in the Docker image, whose node_modules has only the
// app's production dependencies.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, deployApp, runBundle } from "@tally/build-preset/testing";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REST = fileURLToPath(new URL("..", import.meta.url));
let dir: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tally-built-"));
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.url!,
      DEMO: "on",
      JWT_SECRET: randomBytes(24).toString("hex"),
    };
  } else env = { TALLY_DATA_DIR: join(dir, "pglite") };
  await buildApp(REST);
  await deployApp(REST, join(dir, "deployed"));
});

afterAll(async () => {
  await database?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("the built REST app", () => {
  it("deployed, node dist/main.js starts, earns points for the printed demo key, stops on SIGTERM", async () => {
    const server = runBundle("dist/main.js", [], {
      cwd: join(dir, "deployed"),
      env: { ...env, PORT: "0", LOG_LEVEL: "info" },
    });
    try {
      const [, base] = await server.waitFor(/Tally REST API on (http\S+)/);
      const [, key] = server.output().match(/SERVER API key: (\S+)/)!;
      const authorized = await fetch(`${base}/auth/authorize`, { headers: { "x-api-key": key! } });
      expect(authorized.status).toBe(200);
      const { data: token } = (await authorized.json()) as { data: string };
      const earned = await fetch(`${base}/behavior/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          customer_id: "demo-customer",
          brand_id: "0001",
          type: "PURCHASE",
          order: { purchase_id: "built-1", value: 120.5 },
        }),
      });
      expect(earned.status).toBe(201);
      const { data: event } = (await earned.json()) as {
        data: { status: string; result: { accumulations: { amount: number }[] } };
      };
      expect(event.status).toBe("RESOLVED");
      expect(event.result.accumulations.map((a) => a.amount)).toEqual([120]);
    } finally {
      expect(await server.stop("SIGTERM"), server.output()).toEqual({ code: 0, signal: null });
    }
  }, 150_000);

  it("dist/admin.js creates an account on the same database", async () => {
    const admin = runBundle("dist/admin.js", ["create-account", "--name", "Built"], {
      cwd: REST,
      env,
    });
    expect(await admin.exited()).toEqual({ code: 0, signal: null });
    expect(JSON.parse(admin.output())).toEqual({
      account_id: expect.any(String),
      server_key: expect.any(String),
    });
  }, 90_000);
});
