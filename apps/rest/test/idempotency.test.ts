// Idempotency-Key (extension): a key is either unused or bound to exactly one committed result.
import { requestHash } from "@tally/service";
import { sql } from "kysely";
import type request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { couponProgram } from "./coupon-fixtures.ts";
import {
  API_PREFIX,
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  type Tenant,
  type TestContext,
  useTestApp,
} from "./helpers.ts";
import { giftCardReward, pointsReward, referralCampaign } from "./program-fixtures.ts";

const logged: string[] = [];
const ctx = useTestApp({
  logger: { error: (m) => logged.push(m), info: () => {} },
});
afterEach(() => {
  logged.length = 0;
});

/** A digest of every table but the keys' own: equal digests mean nothing was written. */
async function databaseDigest(c: TestContext): Promise<string> {
  const { rows } = await sql<{ name: string }>`select table_name as name
    from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not in ('idempotency_keys', 'kysely_migration', 'kysely_migration_lock')
    order by 1`.execute(c.t.db);
  const parts: string[] = [];
  for (const { name } of rows) {
    const digest = await sql<{
      d: string | null;
    }>`select md5(string_agg(t::text, '|' order by t::text)) as d
      from ${sql.table(name)} t`.execute(c.t.db);
    parts.push(`${name}:${digest.rows[0]!.d}`);
  }
  return parts.join(",");
}

type Write = { method: "post" | "put" | "patch"; path: string; body: unknown; as?: "client" };

const send = (tenant: Tenant, w: Write, key: string): request.Test =>
  tenant[w.as ?? "server"][w.method](w.path, w.body).set("Idempotency-Key", key);

const visitProgram = (tenant: Tenant) =>
  pointsProgram(tenant, { perUnit: 5, extra: { attributes: { trigger: "VISIT" } } });

const emitted = async (tenant: Tenant, body: object) => {
  const res = await tenant.server.post("/behavior/events", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
};

/** Every write route, each set up on a fresh tenant: what to send. */
const WRITES: [string, (tenant: Tenant) => Promise<Write>][] = [
  [
    "POST /customers",
    async () => ({ method: "post", path: "/customers", body: { id: "idem-new", name: "Ada" } }),
  ],
  [
    "PATCH /customers/{id}",
    async (t) => ({
      method: "patch",
      path: `/customers/${await newCustomer(t)}`,
      body: { name: "Grace" },
    }),
  ],
  [
    "PATCH /customers/{id}/consent",
    async (t) => ({
      method: "patch",
      path: `/customers/${await newCustomer(t)}/consent`,
      body: { consent: { purposes: { behavioral_campaigns: false } } },
    }),
  ],
  [
    "PATCH /customers/{id}/identify/anonymous",
    async (t) => ({
      method: "patch",
      path: `/customers/${await newCustomer(t, "anon-1", { is_anonymous: true })}/identify/anonymous`,
      body: { name: "Known now", email: "known@example.com" },
    }),
  ],
  [
    "PATCH /customers/{id}/devices",
    async (t) => {
      await ctx.t.db
        .updateTable("accounts")
        .set({ device_token_ttl: 30 })
        .where("id", "=", t.accountId)
        .execute();
      return {
        method: "patch",
        path: `/customers/${await newCustomer(t)}/devices`,
        body: { device_token: "token-1", device_info: { platform: "ios" } },
      };
    },
  ],
  [
    "POST /customers/{id}/referrals/request-code",
    async (t) => {
      const reward = await pointsReward(t);
      const campaignId = await referralCampaign(t, {
        referrerReward: reward,
        refereeReward: reward,
      });
      return {
        method: "post",
        path: `/customers/${await newCustomer(t)}/referrals/request-code`,
        body: { campaign_id: campaignId },
      };
    },
  ],
  [
    "POST /rewards",
    async () => ({
      method: "post",
      path: "/rewards",
      body: { name: "Stars", type: "POINTS", attributes: { conversion_factor: 0.5 } },
    }),
  ],
  [
    "POST /rewards/{id}/gift-cards",
    async (t) => ({
      method: "post",
      path: `/rewards/${await giftCardReward(t, [])}/gift-cards`,
      body: { codes: [{ code: "GIFT-1" }] },
    }),
  ],
  [
    "POST /campaigns",
    async (t) => ({
      method: "post",
      path: "/campaigns?type=BEHAVIOR",
      body: {
        name: "Visits",
        attributes: { trigger: "VISIT" },
        rules: [{ conditions: [], effects: [{ reward_id: await pointsReward(t), amount: 1 }] }],
        withoutEndDate: true,
      },
    }),
  ],
  [
    "PUT /campaigns/{id}",
    async (t) => {
      const reward = await pointsReward(t);
      const body = {
        name: "Visits",
        attributes: { trigger: "VISIT" },
        rules: [{ conditions: [], effects: [{ reward_id: reward, amount: 1 }] }],
        withoutEndDate: true,
      };
      const made = await t.server.post("/campaigns?type=BEHAVIOR", body);
      expect(made.status).toBe(201);
      return {
        method: "put",
        path: `/campaigns/${made.body.data.id}`,
        body: { ...body, name: "Renamed" },
      };
    },
  ],
  [
    "POST /auth/totp",
    async (t) => ({
      method: "post",
      path: "/auth/totp",
      body: { customer_id: await newCustomer(t) },
    }),
  ],
  [
    "POST /behavior/events",
    async (t) => {
      await visitProgram(t);
      const body = { customer_id: await newCustomer(t), brand_id: "0001", type: "VISIT" };
      return { method: "post", path: "/behavior/events", body };
    },
  ],
  [
    "POST /behavior/events (CLIENT key)",
    async (t) => {
      await visitProgram(t);
      const body = { customer_id: await newCustomer(t), brand_id: "0001", type: "VISIT" };
      return { method: "post", path: "/behavior/events", body, as: "client" };
    },
  ],
  [
    "PATCH /behavior/events/{id}/fulfill",
    async (t) => {
      await pointsProgram(t);
      const id = await emitted(t, { ...purchase(await newCustomer(t), 40), fulfilled: false });
      return { method: "patch", path: `/behavior/events/${id}/fulfill`, body: {} };
    },
  ],
  [
    "POST /behavior/events/{id}/reverse",
    async (t) => {
      await pointsProgram(t);
      const id = await emitted(t, purchase(await newCustomer(t), 40));
      return {
        method: "post",
        path: `/behavior/events/${id}/reverse`,
        body: { reason: "returned" },
      };
    },
  ],
  [
    "POST /coupons/redeem",
    async (t) => {
      const { codes } = await couponProgram(t);
      return {
        method: "post",
        path: "/coupons/redeem",
        body: { customer_id: await newCustomer(t), code: codes[0]!.code },
      };
    },
  ],
  [
    "POST /coupons/reverse",
    async (t) => {
      const { codes } = await couponProgram(t);
      const body = { customer_id: await newCustomer(t), code: codes[0]!.code };
      expect((await t.server.post("/coupons/redeem", body)).status).toBe(200);
      return { method: "post", path: "/coupons/reverse", body };
    },
  ],
  [
    "POST /customers/migrate",
    async () => ({
      method: "post",
      path: "/customers/migrate",
      body: { customers: [{ id: "m-1", name: "Grace" }] },
    }),
  ],
];

describe("Idempotency-Key: the answer commits with the change", () => {
  it.each(WRITES)(
    "%s: if its answer cannot be stored, nothing is written; the retry runs once and is replayed",
    async (_name, prepare) => {
      const tenant = await newTenant(ctx);
      const write = await prepare(tenant);
      await sql`create function refuse_answers() returns trigger language plpgsql as $$
        begin raise exception 'answers cannot be stored'; end $$`.execute(ctx.t.db);
      await sql`create trigger refuse_answers before update on idempotency_keys
        for each row when (new.status_code is not null) execute function refuse_answers()`.execute(
        ctx.t.db,
      );
      const before = await databaseDigest(ctx);
      try {
        const refused = await send(tenant, write, "k-1");
        expect(refused.status, JSON.stringify(refused.body)).toBe(500);
        expect(await databaseDigest(ctx)).toBe(before);
      } finally {
        await sql`drop trigger refuse_answers on idempotency_keys`.execute(ctx.t.db);
        await sql`drop function refuse_answers()`.execute(ctx.t.db);
      }
      const first = await send(tenant, write, "k-1");
      expect(first.status, JSON.stringify(first.body)).toBeLessThan(300);
      const after = await databaseDigest(ctx);
      expect(after).not.toBe(before);
      const replay = await send(tenant, write, "k-1");
      expect(replay.headers["idempotent-replayed"]).toBe("true");
      expect(replay.status).toBe(first.status);
      expect(replay.body).toEqual(first.body);
      expect(await databaseDigest(ctx)).toBe(after);
      // Every write answered through its committed answer: nothing to complain about.
      expect(logged.filter((m) => m.startsWith("Idempotency-Key"))).toEqual([]);
    },
  );
});

describe("Idempotency-Key: claims", () => {
  it("takes over a claim whose request died, after a minute", async () => {
    const tenant = await newTenant(ctx);
    const now = ctx.clock.now();
    await ctx.t.db
      .insertInto("idempotency_keys")
      .values({
        account_id: tenant.accountId,
        key: "k-dead",
        request_hash: "x",
        status_code: null,
        response: null,
        created_at: now,
      })
      .execute();
    const body = { id: "idem-dead" };
    // Another body under a live claim is refused; the same key stays blocked while the claim is young.
    expectError(
      await tenant.server.post("/customers", body).set("Idempotency-Key", "k-dead"),
      409,
      "CONFLICT",
      /Idempotency-Key/,
    );
    await ctx.t.db
      .updateTable("idempotency_keys")
      .set({ request_hash: await requestHashOf(tenant.accountId, body) })
      .where("key", "=", "k-dead")
      .execute();
    expectError(
      await tenant.server.post("/customers", body).set("Idempotency-Key", "k-dead"),
      409,
      "CONFLICT",
      /still being processed/,
    );
    ctx.clock.advance(61_000);
    try {
      const res = await tenant.server.post("/customers", body).set("Idempotency-Key", "k-dead");
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const replay = await tenant.server.post("/customers", body).set("Idempotency-Key", "k-dead");
      expect(replay.status).toBe(201);
      expect(replay.headers["idempotent-replayed"]).toBe("true");
    } finally {
      ctx.clock.advance(-61_000);
    }
  });

  it("many requests at once with one key and a refused body: each is refused or told to wait, never a 500", async () => {
    const tenant = await newTenant(ctx);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        tenant.server.post("/customers", { id: 42 }).set("Idempotency-Key", "k-bad"),
      ),
    );
    for (const res of answers) {
      expect([400, 409], JSON.stringify(res.body)).toContain(res.status);
    }
  });
});

describe("Idempotency-Key: what makes two requests the same", () => {
  it("the same JSON body with its fields in another order is replayed, not a 409", async () => {
    const tenant = await newTenant(ctx);
    const first = await tenant.server
      .post("/customers", { id: "idem-order", name: "Ada", email: "idem-order@example.com" })
      .set("Idempotency-Key", "k-order");
    expect(first.status).toBe(201);
    const retry = await tenant.server
      .post("/customers", { email: "idem-order@example.com", name: "Ada", id: "idem-order" })
      .set("Idempotency-Key", "k-order");
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toEqual(first.body);
  });

  it("an answer that committed nothing and cannot be stored is still sent, not an error or a hang", async () => {
    const tenant = await newTenant(ctx);
    await newCustomer(tenant, "idem-taken");
    await sql`create function refuse_answers() returns trigger language plpgsql as $$
      begin raise exception 'answers cannot be stored'; end $$`.execute(ctx.t.db);
    await sql`create trigger refuse_answers before update on idempotency_keys
      for each row when (new.status_code is not null) execute function refuse_answers()`.execute(
      ctx.t.db,
    );
    try {
      // A 409 is stored after it is sent (nothing committed with it).
      const res = await tenant.server
        .post("/customers", { id: "idem-taken" })
        .set("Idempotency-Key", "k-unstored");
      expectError(res, 409, "CONFLICT", /already exists/);
      expect(logged.some((m) => /the answer could not be stored/.test(m))).toBe(true);
    } finally {
      await sql`drop trigger refuse_answers on idempotency_keys`.execute(ctx.t.db);
      await sql`drop function refuse_answers()`.execute(ctx.t.db);
    }
  });

  it("a 404 (no route, no such customer) frees the key: the corrected request runs", async () => {
    const tenant = await newTenant(ctx);
    const body = { id: "idem-typo", name: "Ada", email: "idem-typo@example.com" };
    const typo = await tenant.server.post("/customer", body).set("Idempotency-Key", "k-typo");
    expect(typo.status).toBe(404);
    const fixed = await tenant.server.post("/customers", body).set("Idempotency-Key", "k-typo");
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
    const visit = { customer_id: "idem-later", brand_id: "0001", type: "VISIT" };
    const unknown = await tenant.server
      .post("/behavior/events", visit)
      .set("Idempotency-Key", "k-v");
    expect(unknown.status).toBe(404);
    expect((await tenant.server.post("/customers", { id: "idem-later" })).status).toBe(201);
    const later = await tenant.server.post("/behavior/events", visit).set("Idempotency-Key", "k-v");
    expect(later.status, JSON.stringify(later.body)).toBe(201);
  });
});

/** The hash of a POST /customers sent with the account's SERVER key. */
const requestHashOf = async (accountId: string, body: unknown) => {
  const key = await ctx.t.db
    .selectFrom("api_keys")
    .select("id")
    .where("account_id", "=", accountId)
    .where("kind", "=", "SERVER")
    .executeTakeFirstOrThrow();
  return requestHash(key.id, "POST", `${API_PREFIX}/customers`, body);
};
