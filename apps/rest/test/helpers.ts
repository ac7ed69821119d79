import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createAccount, createApiKey, createBrand } from "@tally/service";
import { expectLedgerBalanced as expectBalanced } from "@tally/service/testing";
import type { Express } from "express";
import request from "supertest";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { API_PREFIX, type AppDeps, createApp } from "../src/app.ts";

export { API_PREFIX };

/** A controllable clock: real time unless a test pins or moves it. */
export function testClock() {
  let offsetMs = 0;
  let pinned: Date | null = null;
  return {
    now: () => (pinned ? new Date(pinned) : new Date(Date.now() + offsetMs)),
    advance(ms: number) {
      if (pinned) pinned = new Date(pinned.getTime() + ms);
      else offsetMs += ms;
    },
    pin(at: Date | null) {
      pinned = at;
    },
    /** Back to real time: no pin, no offset (each test starts from the wall clock). */
    reset() {
      pinned = null;
      offsetMs = 0;
    },
  };
}

export interface TestContext {
  t: TestDatabase;
  app: Express;
  clock: ReturnType<typeof testClock>;
  deps: { db: TestDatabase["db"]; now: () => Date };
  jwtSecret: Uint8Array;
}

/** One migrated database and one app per test file. */
export async function setupApp(extra: Partial<AppDeps> = {}): Promise<TestContext> {
  const t = await createTestDatabase();
  const clock = testClock();
  const jwtSecret = randomBytes(32);
  const deps = { db: t.db, now: clock.now };
  const app = createApp({
    ...deps,
    jwtSecret,
    // Tests send batches back to back; the limiter has its own test.
    migrationRateLimit: null,
    logger: { error: (m, e) => console.error(m, e), info: () => {} },
    ...extra,
  });
  return { t, app, clock, deps, jwtSecret };
}

/**
 * The per-file hooks every API test file wants: one app and database for the file,
 * the clock reset to real time and the ledger invariant checked after every test, the
 * database dropped at the end. The returned context is filled in before tests run.
 */
export function useTestApp(extra: Partial<AppDeps> = {}): TestContext {
  const ctx = {} as TestContext;
  beforeAll(async () => {
    Object.assign(ctx, await setupApp(extra));
  });
  afterEach(async () => {
    ctx.clock.reset();
    await expectLedgerBalanced(ctx);
  });
  afterAll(() => ctx.t.destroy());
  return ctx;
}

/**
 * useTestApp's hooks plus a real HTTP server on a second pool of `connections` connections, for
 * locking claims (real PostgreSQL only: call it inside `describe.skipIf(!onPostgres)`).
 * `base` is the server's API address.
 */
export function useServedApp(
  connections: number,
  extra: Partial<AppDeps> = {},
): TestContext & { base: string } {
  const ctx = {} as TestContext & { base: string };
  let server: Server;
  beforeAll(async () => {
    Object.assign(ctx, await setupApp());
    const db = ctx.t.connect(connections);
    server = createApp({ db, now: ctx.clock.now, jwtSecret: ctx.jwtSecret, ...extra }).listen(0);
    ctx.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_PREFIX}`;
  });
  afterEach(() => expectLedgerBalanced(ctx));
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await ctx.t.destroy();
  });
  return ctx;
}

/** Locking claims mean nothing on a single-connection database. */
export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface Tenant {
  accountId: string;
  brandId: string;
  serverKey: string;
  clientKey: string;
  server: ReturnType<typeof client>;
  client: ReturnType<typeof client>;
}

/** A fresh account (tests isolate by tenant) with a brand and SERVER and CLIENT tokens. */
export async function newTenant(ctx: TestContext): Promise<Tenant> {
  const { id: accountId } = await createAccount(ctx.t.db, {
    name: `test-${randomBytes(4).toString("hex")}`,
  });
  const server = await createApiKey(ctx.t.db, { accountId, kind: "SERVER" });
  const clientKey = await createApiKey(ctx.t.db, { accountId, kind: "CLIENT" });
  await createBrand(ctx.t.db, { accountId, id: "0001", name: "Brand one" });
  return {
    accountId,
    brandId: "0001",
    serverKey: server.key,
    clientKey: clientKey.key,
    server: client(ctx.app, await tokenFor(ctx.app, server.key)),
    client: client(ctx.app, await tokenFor(ctx.app, clientKey.key)),
  };
}

export async function tokenFor(app: Express, key: string): Promise<string> {
  const res = await request(app).get(`${API_PREFIX}/auth/authorize`).set("x-api-key", key);
  expect(res.status).toBe(200);
  return res.body.data as string;
}

/** supertest bound to the API prefix and a bearer token. */
export function client(app: Express, token: string) {
  const auth = (r: request.Test) => r.set("Authorization", `Bearer ${token}`);
  return {
    token,
    get: (path: string) => auth(request(app).get(API_PREFIX + path)),
    post: (path: string, body?: unknown) =>
      auth(request(app).post(API_PREFIX + path)).send(body as object),
    put: (path: string, body?: unknown) =>
      auth(request(app).put(API_PREFIX + path)).send(body as object),
    patch: (path: string, body?: unknown) =>
      auth(request(app).patch(API_PREFIX + path)).send(body as object),
    delete: (path: string) => auth(request(app).delete(API_PREFIX + path)),
  };
}

/** Asserts the `{error, details}` envelope with a status and code; returns details. */
export function expectError(
  res: request.Response,
  status: number,
  code: string,
  detailsMatch?: RegExp,
): string {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error).toBe(code);
  expect(typeof res.body.details).toBe("string");
  if (detailsMatch) expect(res.body.details).toMatch(detailsMatch);
  return res.body.details;
}

/** The ledger invariant (docs/api-decisions.md#ledger-invariant) must hold after every test. */
export const expectLedgerBalanced = (ctx: TestContext) => expectBalanced(ctx.t.db);

/** A POINTS reward plus a running PURCHASE campaign giving `perUnit` points per unit spent. */
export async function pointsProgram(
  tenant: Tenant,
  opts: {
    perUnit?: number;
    budget?: number;
    conversion?: number;
    expiry?: string | null;
    extra?: object;
  } = {},
) {
  const reward = await tenant.server.post("/rewards", {
    name: "Points",
    type: "POINTS",
    attributes: { conversion_factor: opts.conversion ?? 0.1 },
  });
  expect(reward.status).toBe(201);
  const campaign = await tenant.server.post("/campaigns?type=BEHAVIOR", {
    name: "Earn on purchase",
    attributes: { trigger: "PURCHASE" },
    rules: [
      {
        conditions: [],
        effects: [
          {
            reward_id: reward.body.data.id,
            amount: opts.perUnit ?? 1,
            expiration_date: opts.expiry === undefined ? "12/months" : opts.expiry,
          },
        ],
      },
    ],
    withoutEndDate: true,
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...opts.extra,
  });
  expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
  return { rewardId: reward.body.data.id as string, campaignId: campaign.body.data.id as string };
}

export async function newCustomer(
  tenant: Tenant,
  id = `c-${randomBytes(4).toString("hex")}`,
  extra: object = {},
) {
  const res = await tenant.server.post("/customers", {
    id,
    name: "Ada",
    email: `${id}@example.com`,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return id;
}

export const purchase = (
  customerId: string,
  value: number,
  extra: Record<string, unknown> = {},
) => ({
  customer_id: customerId,
  brand_id: "0001",
  type: "PURCHASE",
  order: {
    purchase_id: `p-${randomBytes(6).toString("hex")}`,
    value,
    ...((extra.order as object) ?? {}),
  },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "order")),
});
