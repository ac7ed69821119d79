// Every answer — success, error, unknown route, the token itself — tells browsers not to
// sniff its type and caches not to keep it (it carries balances, personal data or a token).
import request from "supertest";
import { describe, expect, it } from "vitest";
import { API_PREFIX, client, newCustomer, newTenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

function expectHeaders(res: request.Response, status: number, what: string) {
  expect(res.status, what).toBe(status);
  expect(res.headers["x-content-type-options"], what).toBe("nosniff");
  expect(res.headers["cache-control"], what).toBe("no-store");
}

describe("security headers", () => {
  it("are on every answer: tokens, authenticated reads, errors and 404s", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const authorize = (path: string) =>
      request(ctx.app).get(path).set("x-api-key", tenant.serverKey);
    const answers: [request.Response, number, string][] = [
      [await authorize(`${API_PREFIX}/auth/authorize`), 200, "token"],
      [await authorize("/auth/authorize"), 200, "token at the host root"],
      [await request(ctx.app).get(`${API_PREFIX}/auth/authorize`), 401, "token without a key"],
      [await tenant.server.get(`/customers/${customerId}`), 200, "SERVER read"],
      [await tenant.client.get(`/customers/${customerId}`), 200, "CLIENT read"],
      [await tenant.server.post("/customers", { id: "h-1" }), 201, "create"],
      [await tenant.server.post("/customers", { id: "h-1" }), 409, "conflict"],
      [await tenant.server.post("/customers", { id: 42 }), 400, "validation"],
      [await tenant.client.get("/tiers"), 403, "CLIENT on a SERVER route"],
      [await tenant.server.get("/customers/nobody"), 404, "missing customer"],
      [await tenant.server.get("/nothing-here"), 404, "unknown API route"],
      [await request(ctx.app).get("/nothing-here"), 404, "unknown route at the root"],
      [await request(ctx.app).get(`${API_PREFIX}/tiers`), 401, "no token"],
      [await client(ctx.app, "garbage").get("/tiers"), 401, "bad token"],
      [
        await request(ctx.app)
          .post(`${API_PREFIX}/customers`)
          .set("Authorization", `Bearer ${tenant.server.token}`)
          .set("content-type", "application/json")
          .send("{not json"),
        400,
        "malformed JSON",
      ],
      [
        await tenant.server.post("/customers", {
          id: "big",
          metadata: { b: "x".repeat(1_100_000) },
        }),
        413,
        "body too large",
      ],
      [await request(ctx.app).get("/health"), 200, "health"],
    ];
    for (const [res, status, what] of answers) expectHeaders(res, status, what);
  });

  it("are on an Idempotency-Key replay too", async () => {
    const tenant = await newTenant(ctx);
    await tenant.server.post("/customers", { id: "h-idem" }).set("Idempotency-Key", "h-k");
    const replay = await tenant.server
      .post("/customers", { id: "h-idem" })
      .set("Idempotency-Key", "h-k");
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expectHeaders(replay, 201, "replay");
  });
});
