import { STOREFRONT_AUDIENCE, TOKEN_ISSUER, verifyToken } from "@tally/service";
import { SignJWT } from "jose";
import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  API_PREFIX,
  client,
  expectError,
  newCustomer,
  newTenant,
  tokenFor,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

describe("GET /auth/authorize", () => {
  it("exchanges an API key for a one-hour JWT naming the key kind and account", async () => {
    const tenant = await newTenant(ctx);
    const res = await request(ctx.app)
      .get(`${API_PREFIX}/auth/authorize`)
      .set("x-api-key", tenant.serverKey)
      .expect(200);
    const [, payload] = (res.body.data as string).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    expect(claims).toMatchObject({
      acc: tenant.accountId,
      kind: "SERVER",
      iss: "tally",
      aud: "storefront",
    });
    expect(claims.exp - claims.iat).toBe(3600);
    // Also served at the host root, as Masivo's integration guide shows it.
    await request(ctx.app).get("/auth/authorize").set("x-api-key", tenant.serverKey).expect(200);
  });

  it("answers 401 for a missing or unknown key", async () => {
    expectError(
      await request(ctx.app).get(`${API_PREFIX}/auth/authorize`),
      401,
      "UNAUTHORIZED",
      /x-api-key/,
    );
    expectError(
      await request(ctx.app).get(`${API_PREFIX}/auth/authorize`).set("x-api-key", "nope"),
      401,
      "UNAUTHORIZED",
    );
  });
});

describe("bearer tokens", () => {
  it("401s a missing, malformed, forged or expired token", async () => {
    const tenant = await newTenant(ctx);
    expectError(
      await request(ctx.app).get(`${API_PREFIX}/tiers`),
      401,
      "UNAUTHORIZED",
      /Authorization/,
    );
    expectError(await client(ctx.app, "garbage").get("/tiers"), 401, "UNAUTHORIZED");
    const forged = `${tenant.server.token.slice(0, -4)}AAAA`;
    expectError(await client(ctx.app, forged).get("/tiers"), 401, "UNAUTHORIZED");
    ctx.clock.advance(3601_000);
    try {
      expectError(await tenant.server.get("/tiers"), 401, "UNAUTHORIZED", /expired/);
    } finally {
      ctx.clock.advance(-3601_000);
    }
  });

  it("forbids CLIENT keys everything but tracking events and reading a customer (403)", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    await tenant.client.get(`/customers/${customerId}`).expect(200);
    expectError(
      await tenant.client.get("/tiers"),
      403,
      "FORBIDDEN",
      /^GET \/api\/storefront\/v1\/tiers needs a SERVER key$/,
    );
    expectError(
      await tenant.client.get("/rewards?from=0&to=9"),
      403,
      "FORBIDDEN",
      /^GET \/api\/storefront\/v1\/rewards needs/,
    );
    expectError(await tenant.client.post("/campaigns?type=BEHAVIOR", {}), 403, "FORBIDDEN");
    expectError(await tenant.client.post("/customers", { id: "x" }), 403, "FORBIDDEN");
    expectError(
      await tenant.client.patch(`/customers/${customerId}`, { name: "x" }),
      403,
      "FORBIDDEN",
    );
    expectError(
      await tenant.client.post("/auth/totp", { customer_id: customerId }),
      403,
      "FORBIDDEN",
    );
  });

  it("never shows one account's data to another (same 404 as missing)", async () => {
    const a = await newTenant(ctx);
    const b = await newTenant(ctx);
    const customerId = await newCustomer(a);
    expectError(await b.server.get(`/customers/${customerId}`), 404, "NOT_FOUND");
    const reward = await a.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    expectError(await b.server.get(`/rewards/${reward.body.data.id}`), 404, "NOT_FOUND");
  });
});

describe("token claims", () => {
  /** A token signed with the app's own secret: only its claims can make it invalid. */
  async function signed(
    claims: Record<string, unknown>,
    opts: { iat?: number | null; exp?: number | null; iss?: string | null; aud?: unknown } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { kind: "SERVER", ...claims };
    const set = { iat: now, exp: now + 3600, iss: TOKEN_ISSUER, aud: STOREFRONT_AUDIENCE, ...opts };
    for (const [name, value] of Object.entries(set)) if (value !== null) payload[name] = value;
    return new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(ctx.jwtSecret);
  }

  it("401s a token missing exp, iat, iss or aud, or with another issuer or audience", async () => {
    const tenant = await newTenant(ctx);
    const [, body] = tenant.server.token.split(".");
    const { acc, sub } = JSON.parse(Buffer.from(body!, "base64url").toString());
    const claims = { acc, sub };
    // The same claims as an issued token are accepted: only the named fault differs below.
    await client(ctx.app, await signed(claims))
      .get("/tiers")
      .expect(200);
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      "no exp (valid forever)": { exp: null },
      "no iat": { iat: null },
      "no issuer": { iss: null },
      "another issuer": { iss: "someone-else" },
      "no audience": { aud: null },
      "another audience": { aud: "internal" },
      "the audience among others": { aud: [STOREFRONT_AUDIENCE, "internal"] },
      "iat five minutes ahead": { iat: now + 300, exp: now + 300 + 3600 },
      "a life of a day": { exp: now + 86_400 },
    };
    for (const [fault, opts] of Object.entries(bad)) {
      const res = await client(ctx.app, await signed(claims, opts)).get("/tiers");
      expect(res.status, fault).toBe(401);
      expect(res.body, fault).toEqual({ error: "UNAUTHORIZED", details: "token is not valid" });
    }
    // A few seconds of clock skew between hosts is tolerated.
    await client(ctx.app, await signed(claims, { iat: now + 30, exp: now + 30 + 3600 }))
      .get("/tiers")
      .expect(200);
  });

  it("a verified token is not taken from the cache for another audience, nor once its iat is in the future", async () => {
    const tenant = await newTenant(ctx);
    const authorization = `Bearer ${tenant.server.token}`;
    const now = ctx.clock.now();
    await tenant.server.get("/tiers").expect(200); // verified and cached for the storefront
    await expect(
      verifyToken({ secret: ctx.jwtSecret, authorization, now, audience: "internal" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED", details: "token is not valid" });
    // Issued ten minutes ahead (a clock stepped back since): refused, cached or not.
    ctx.clock.advance(600_000);
    const ahead = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    await ahead.get("/tiers").expect(200);
    ctx.clock.advance(-600_000);
    expectError(await ahead.get("/tiers"), 401, "UNAUTHORIZED", /^token is not valid$/);
  });
});

describe("one-time customer codes", () => {
  it("creates a 6-digit code that verifies once into customer, wallet and metadata", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const created = await tenant.server
      .post("/auth/totp", { customer_id: customerId, metadata: { device: "kiosk" } })
      .expect(201);
    expect(created.body.data.code).toMatch(/^\d{6}$/);
    expect(new Date(created.body.data.expired_at).getTime()).toBeGreaterThan(Date.now());
    const ok = await tenant.server
      .get(`/auth/totp/verify?code=${created.body.data.code}`)
      .expect(200);
    expect(ok.body.data.customer.id).toBe(customerId);
    expect(ok.body.data.wallet.owner_id).toBeDefined();
    expect(ok.body.data.metadata).toEqual({ device: "kiosk" });
    expectError(
      await tenant.server.get(`/auth/totp/verify?code=${created.body.data.code}`),
      404,
      "NOT_FOUND",
      /code/,
    );
  });

  it("expires codes after five minutes and validates input", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const created = await tenant.server.post("/auth/totp", { customer_id: customerId }).expect(201);
    ctx.clock.advance(5 * 60_000 + 1);
    try {
      expectError(
        await tenant.server.get(`/auth/totp/verify?code=${created.body.data.code}`),
        404,
        "NOT_FOUND",
      );
    } finally {
      ctx.clock.advance(-(5 * 60_000 + 1));
    }
    expectError(
      await tenant.server.get("/auth/totp/verify?code=12ab"),
      400,
      "VALIDATION_FAILED",
      /code/,
    );
    expectError(
      await tenant.server.post("/auth/totp", {}),
      400,
      "VALIDATION_FAILED",
      /customer_id/,
    );
    expectError(
      await tenant.server.post("/auth/totp", { customer_id: "ghost" }),
      404,
      "NOT_FOUND",
      /customer/,
    );
  });
});

describe("wire conventions", () => {
  it("answers malformed JSON with 400, bodies over 1 MB with 413, unknown routes with 404", async () => {
    const tenant = await newTenant(ctx);
    const bad = await request(ctx.app)
      .post(`${API_PREFIX}/customers`)
      .set("Authorization", `Bearer ${tenant.server.token}`)
      .set("content-type", "application/json")
      .send("{not json");
    expectError(bad, 400, "VALIDATION_FAILED", /JSON/);
    const big = await tenant.server.post("/customers", {
      id: "big",
      metadata: { blob: "x".repeat(1_100_000) },
    });
    expectError(big, 413, "PAYLOAD_TOO_LARGE");
    // Without a token, the same body is refused for the token, before it is read.
    const anonymous = await request(ctx.app)
      .post(`${API_PREFIX}/customers`)
      .set("content-type", "application/json")
      .send({ id: "big", metadata: { blob: "x".repeat(1_100_000) } });
    expectError(anonymous, 401, "UNAUTHORIZED");
    expectError(await tenant.server.get("/nothing-here"), 404, "NOT_FOUND");
  });

  it("replays an Idempotency-Key with the same body and 409s it with another", async () => {
    const tenant = await newTenant(ctx);
    const first = await tenant.server
      .post("/customers", { id: "idem-1" })
      .set("Idempotency-Key", "k-1");
    expect(first.status).toBe(201);
    const again = await tenant.server
      .post("/customers", { id: "idem-1" })
      .set("Idempotency-Key", "k-1");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expectError(
      await tenant.server.post("/customers", { id: "idem-2" }).set("Idempotency-Key", "k-1"),
      409,
      "CONFLICT",
      /Idempotency-Key/,
    );
    // Without the key, the duplicate id is a plain conflict.
    expectError(await tenant.server.post("/customers", { id: "idem-1" }), 409, "CONFLICT", /id/);
  });

  it("an Idempotency-Key belongs to the API key that used it: another key's same request is a 409, never the stored answer", async () => {
    const tenant = await newTenant(ctx);
    const body = { id: "idem-keyed", name: "Ada", email: "ada@example.com" };
    await tenant.server.post("/customers", body).set("Idempotency-Key", "k-keyed").expect(201);
    const byClient = await tenant.client.post("/customers", body).set("Idempotency-Key", "k-keyed");
    expectError(byClient, 409, "CONFLICT", /Idempotency-Key/);
    expect(JSON.stringify(byClient.body)).not.toContain("ada@example.com");
    const replay = await tenant.server.post("/customers", body).set("Idempotency-Key", "k-keyed");
    expect(replay.status).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
  });

  it("does not store a refused request under its Idempotency-Key: the corrected body may reuse it", async () => {
    const tenant = await newTenant(ctx);
    expectError(
      await tenant.server.post("/customers", { id: 42 }).set("Idempotency-Key", "k-fix"),
      400,
      "VALIDATION_FAILED",
      /^id: /,
    );
    const fixed = await tenant.server
      .post("/customers", { id: "idem-fix" })
      .set("Idempotency-Key", "k-fix");
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
    const replay = await tenant.server
      .post("/customers", { id: "idem-fix" })
      .set("Idempotency-Key", "k-fix");
    expect(replay.headers["idempotent-replayed"]).toBe("true");
  });
});
