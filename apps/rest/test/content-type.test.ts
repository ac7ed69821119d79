import request from "supertest";
import { describe, expect, it } from "vitest";
import { API_PREFIX, expectError, newTenant, type Tenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

/** POST /customers with a raw body: `type` its Content-Type, none when undefined. */
const send = (tenant: Tenant | null, body: string, type?: string, key?: string) => {
  let r = request(ctx.app).post(`${API_PREFIX}/customers`);
  if (tenant) r = r.set("Authorization", `Bearer ${tenant.server.token}`);
  if (type) r = r.set("Content-Type", type);
  if (key) r = r.set("Idempotency-Key", key);
  // A string goes out as it is under the type set; a Buffer with no Content-Type at all.
  return r.send(type ? body : Buffer.from(body));
};

describe("a body that is not sent as JSON", () => {
  const body = JSON.stringify({ id: "c-415", name: "Ada" });

  it("is a 415 naming the Content-Type it came with", async () => {
    const tenant = await newTenant(ctx);
    expectError(
      await send(tenant, body, "text/plain"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      /^Content-Type: is "text\/plain"; a body must be sent as application\/json$/,
    );
    expectError(
      await send(tenant, body, "application/x-www-form-urlencoded"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      /^Content-Type: is "application\/x-www-form-urlencoded"/,
    );
  });

  it("is a 415 saying the Content-Type is missing", async () => {
    const tenant = await newTenant(ctx);
    expectError(
      await send(tenant, body),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      /^Content-Type: is missing; a body must be sent as application\/json$/,
    );
  });

  it("writes nothing and frees its Idempotency-Key for the corrected request", async () => {
    const tenant = await newTenant(ctx);
    expectError(await send(tenant, body, "text/plain", "k-415"), 415, "UNSUPPORTED_MEDIA_TYPE");
    await tenant.server.get("/customers/c-415").expect(404);
    const fixed = await send(tenant, body, "application/json; charset=utf-8", "k-415");
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
    expect(fixed.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("comes after authentication: without a token it is the 401", async () => {
    expectError(await send(null, body, "text/plain"), 401, "UNAUTHORIZED");
  });

  it("does not concern a write sent with no body at all", async () => {
    const tenant = await newTenant(ctx);
    const res = await request(ctx.app)
      .post(`${API_PREFIX}/customers`)
      .set("Authorization", `Bearer ${tenant.server.token}`);
    expectError(res, 400, "VALIDATION_FAILED", /^body: /);
  });
});
