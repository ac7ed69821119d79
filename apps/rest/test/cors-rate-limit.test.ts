import { createCustomer, databaseRequestCounter, updateOperationalSettings } from "@tally/service";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { API_PREFIX, client, newTenant, onPostgres, tokenFor, useTestApp } from "./helpers.ts";

// Settings are read fresh on every request here (no cache), so a change applies at once.
const ctx = useTestApp({ settingsTtlMs: 0, corsOrigins: ["https://ops.example.com"] });

/** A tenant with one customer, whom its CLIENT key may read (GET /customers/c-1). */
async function shopWithCustomer() {
  const shop = await newTenant(ctx);
  await createCustomer(ctx.deps, shop.accountId, { id: "c-1", is_anonymous: false });
  return shop;
}

const preflight = (origin: string, app = ctx.app) =>
  request(app)
    .options(`${API_PREFIX}/behavior/events`)
    .set("Origin", origin)
    .set("Access-Control-Request-Method", "POST")
    .set("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");

describe("CORS", () => {
  it("answers a preflight from an origin of CORS_ORIGINS, never allowing credentials", async () => {
    const res = await preflight("https://ops.example.com");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("https://ops.example.com");
    const allowed = String(res.headers["access-control-allow-headers"]).toLowerCase();
    for (const h of ["authorization", "idempotency-key", "content-type"])
      expect(allowed).toContain(h);
    expect(res.headers["access-control-allow-methods"]).toContain("POST");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(res.headers.vary).toContain("Origin");
  });

  it("refuses a preflight from an origin nobody allows", async () => {
    const res = await preflight("https://evil.example.net");
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("FORBIDDEN");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("an account's origin: preflight answered; its CLIENT key's answers readable, not another account's nor a SERVER key's", async () => {
    const shop = await shopWithCustomer();
    const other = await shopWithCustomer();
    const origin = `https://shop-${shop.accountId.slice(0, 8)}.example.com`;
    await updateOperationalSettings(ctx.t.db, shop.accountId, { cors_origins: [origin] });
    expect((await preflight(origin)).status).toBe(204);
    const get = (t: ReturnType<typeof client>) => t.get("/customers/c-1").set("Origin", origin);
    const mine = await get(shop.client);
    expect(mine.status).toBe(200);
    expect(mine.headers["access-control-allow-origin"]).toBe(origin);
    expect(mine.headers["access-control-expose-headers"]).toContain("X-RateLimit-Remaining");
    const theirs = await get(other.client);
    expect(theirs.headers["access-control-allow-origin"]).toBeUndefined();
    const server = await get(shop.server);
    expect(server.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("CORS_ORIGINS=* answers * without credentials", async () => {
    const app = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret, corsOrigins: ["*"] });
    const res = await preflight("https://anywhere.example.org", app);
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("refuses a bad origin in the settings with the field named", async () => {
    const shop = await newTenant(ctx);
    await expect(
      updateOperationalSettings(ctx.t.db, shop.accountId, { cors_origins: ["shop.example.com/x"] }),
    ).rejects.toThrow(/cors_origins\[0\]: must be \* or an origin/);
  });
});

describe("rate limits per API key", () => {
  it("a CLIENT key gets 429 RATE_LIMITED after its account's limit, with X-RateLimit-* and Retry-After", async () => {
    const shop = await shopWithCustomer();
    await updateOperationalSettings(ctx.t.db, shop.accountId, { rate_limit_client_per_minute: 3 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await shop.client.get("/customers/c-1");
      expect(res.status).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBe("3");
      remaining.push(String(res.headers["x-ratelimit-remaining"]));
      const reset = Number(res.headers["x-ratelimit-reset"]);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await shop.client.get("/customers/c-1");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("RATE_LIMITED");
    expect(refused.body.details).toMatch(/at most 3 requests a minute/);
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Another key of the same account counts on its own; SERVER keys are unlimited by default.
    const server = await shop.server.get("/tiers");
    expect(server.status).toBe(200);
    expect(server.headers["x-ratelimit-limit"]).toBeUndefined();
  });

  it("a new minute starts a new window", async () => {
    const shop = await shopWithCustomer();
    await updateOperationalSettings(ctx.t.db, shop.accountId, { rate_limit_client_per_minute: 1 });
    ctx.clock.pin(new Date("2030-01-01T00:00:10Z"));
    const token = await tokenFor(ctx.app, shop.clientKey);
    const c = client(ctx.app, token);
    expect((await c.get("/customers/c-1")).status).toBe(200);
    const refused = await c.get("/customers/c-1");
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("50");
    ctx.clock.pin(new Date("2030-01-01T00:01:00Z"));
    expect((await c.get("/customers/c-1")).status).toBe(200);
  });

  it("a SERVER limit set on the account applies to SERVER keys", async () => {
    const shop = await newTenant(ctx);
    await updateOperationalSettings(ctx.t.db, shop.accountId, { rate_limit_server_per_minute: 1 });
    expect((await shop.server.get("/tiers")).headers["x-ratelimit-limit"]).toBe("1");
    expect((await shop.server.get("/tiers")).status).toBe(429);
  });

  it.skipIf(!onPostgres)("two app instances on PostgreSQL share one counter", async () => {
    const shop = await shopWithCustomer();
    await updateOperationalSettings(ctx.t.db, shop.accountId, { rate_limit_client_per_minute: 4 });
    const instance = () =>
      createApp({
        db: ctx.t.connect(2),
        now: ctx.clock.now,
        jwtSecret: ctx.jwtSecret,
        settingsTtlMs: 0,
        requestCounter: databaseRequestCounter(ctx.t.connect(2)),
      });
    const [a, b] = [instance(), instance()];
    const token = await tokenFor(a, shop.clientKey);
    const statuses: number[] = [];
    for (const app of [a, b, a, b, a, b])
      statuses.push((await client(app, token).get("/customers/c-1")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
