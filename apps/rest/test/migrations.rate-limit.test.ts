import { randomBytes } from "node:crypto";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import {
  API_PREFIX,
  client,
  expectError,
  newTenant,
  setupApp,
  type TestContext,
  tokenFor,
} from "./helpers.ts";

let ctx: TestContext;
let limited: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await setupApp();
  // The same database behind an app with Masivo's default limiter (1 batch / 5 s, 1000 / h),
  // here 3 an hour so the hour window is reachable.
  limited = createApp({
    db: ctx.t.db,
    now: ctx.clock.now,
    jwtSecret: ctx.jwtSecret,
    migrationRateLimit: { intervalMs: 5000, perHour: 3 },
  });
});
afterAll(() => ctx.t.destroy());

const batch = () => ({ customers: [{ id: `m-${randomBytes(3).toString("hex")}` }] });

describe("migration rate limit", () => {
  it("allows one batch per 5 s and N an hour per account, answering 429 with Retry-After", async () => {
    ctx.clock.pin(new Date("2026-11-22T10:00:00Z"));
    const tenant = await newTenant(ctx);
    const api = client(limited, await tokenFor(limited, tenant.serverKey));
    const first = await api.post("/customers/migrate", batch());
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.headers["x-ratelimit-limit"]).toBe("3");
    expect(first.headers["x-ratelimit-remaining"]).toBe("2");
    const soon = await api.post("/customers/migrate", batch());
    expectError(soon, 429, "RATE_LIMITED", /one batch every 5 s; retry in 5 s/);
    expect(soon.headers["retry-after"]).toBe("5");
    expect(soon.headers["x-ratelimit-limit"]).toBe("3");
    expect(soon.headers["x-ratelimit-remaining"]).toBe("2");
    // Another account is not affected.
    const other = await newTenant(ctx);
    const otherApi = client(limited, await tokenFor(limited, other.serverKey));
    expect((await otherApi.post("/customers/migrate", batch())).status).toBe(202);

    ctx.clock.advance(5000);
    expect((await api.post("/customers/migrate", batch())).status).toBe(202);
    ctx.clock.advance(5000);
    const third = await api.post("/customers/migrate", batch());
    expect(third.status).toBe(202);
    expect(third.headers["x-ratelimit-remaining"]).toBe("0");
    ctx.clock.advance(5000);
    const fourth = await api.post("/customers/migrate", batch());
    expectError(fourth, 429, "RATE_LIMITED", /at most 3 batches an hour/);
    // The first batch leaves the hour window 3600 s after it was sent: 3585 s from now.
    expect(fourth.headers["retry-after"]).toBe("3585");
    expect(fourth.headers["x-ratelimit-remaining"]).toBe("0");
    expect(fourth.headers["x-ratelimit-reset"]).toBe("3585");
    ctx.clock.advance(3585_000);
    const later = client(limited, await tokenFor(limited, tenant.serverKey));
    expect((await later.post("/customers/migrate", batch())).status).toBe(202);
    ctx.clock.pin(null);
  });

  it("does not store a 429 under an Idempotency-Key: the same request runs once the wait is over", async () => {
    ctx.clock.pin(new Date("2026-11-22T12:00:00Z"));
    const tenant = await newTenant(ctx);
    const api = client(limited, await tokenFor(limited, tenant.serverKey));
    expect((await api.post("/customers/migrate", batch())).status).toBe(202);
    const body = batch();
    const refused = await api.post("/customers/migrate", body).set("Idempotency-Key", "mk-1");
    expectError(refused, 429, "RATE_LIMITED");
    ctx.clock.advance(5000);
    const retried = await api.post("/customers/migrate", body).set("Idempotency-Key", "mk-1");
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    const replayed = await api.post("/customers/migrate", body).set("Idempotency-Key", "mk-1");
    expect(replayed.status).toBe(202);
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
    expect(replayed.body).toEqual(retried.body);
    ctx.clock.pin(null);
  });

  it("does not count refused batches: a 400 leaves the limit untouched", async () => {
    const tenant = await newTenant(ctx);
    const api = client(limited, await tokenFor(limited, tenant.serverKey));
    expectError(
      await api.post("/customers/migrate", { customers: [{}] }),
      400,
      "VALIDATION_FAILED",
    );
    expect((await api.post("/customers/migrate", batch())).status).toBe(202);
    const res = await request(limited)
      .get(`${API_PREFIX}/migrations/00000000-0000-4000-8000-000000000000`)
      .set("Authorization", `Bearer ${api.token}`);
    expect(res.status).toBe(404);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "10 batches of one account at once on PostgreSQL: exactly one is queued",
    async () => {
      const tenant = await newTenant(ctx);
      const pooled = createApp({
        db: ctx.t.connect(10),
        now: ctx.clock.now,
        jwtSecret: ctx.jwtSecret,
        migrationRateLimit: { intervalMs: 5000, perHour: 1000 },
      });
      const api = client(pooled, await tokenFor(pooled, tenant.serverKey));
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.post("/customers/migrate", batch())),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([202, ...Array(9).fill(429)]);
    },
  );
});
