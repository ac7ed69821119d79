import { Writable } from "node:stream";
import { migrateBackTo } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createLogger, createMetrics, type LogLevel } from "@tally/observability";
import { createCustomer } from "@tally/service";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { API_PREFIX, client, newTenant, pointsProgram, tokenFor, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

/** An app whose JSON log lines (at `level`) are collected, parsed, into `lines`. */
function loggedApp(level: LogLevel, extra: object = {}) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  const log = createLogger({ level, destination });
  const app = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret, log, ...extra });
  return { app, lines, raw };
}

describe("JSON logs", () => {
  it("a request's lines name its id, which the answer carries; no key or token is logged", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    await createCustomer(ctx.deps, tenant.accountId, { id: "log-customer", is_anonymous: false });
    const { app, lines, raw } = loggedApp("info");
    const token = await tokenFor(app, tenant.serverKey);
    const res = await request(app)
      .post(`${API_PREFIX}/behavior/events`)
      .set("Authorization", `Bearer ${token}`)
      .set("Idempotency-Key", "log-test-1")
      .send({
        customer_id: "log-customer",
        brand_id: tenant.brandId,
        type: "PURCHASE",
        order: { purchase_id: "log-1", value: 10 },
      });
    expect(res.status).toBe(201);
    const id = res.headers["x-request-id"];
    const mine = lines.filter((l) => l.reqId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      msg: "request completed",
      req: { method: "POST", url: `${API_PREFIX}/behavior/events` },
      res: { statusCode: 201 },
    });
    const everything = raw.join("\n");
    expect(everything).toContain("/auth/authorize");
    expect(everything).not.toContain(tenant.serverKey);
    expect(everything).not.toContain(token);
    expect(everything.toLowerCase()).not.toContain("bearer");
  });

  it("keeps a sane incoming X-Request-Id and masks one-time codes in the logged query", async () => {
    const tenant = await newTenant(ctx);
    const { app, lines, raw } = loggedApp("info");
    const token = await tokenFor(app, tenant.serverKey);
    const res = await request(app)
      .get(`${API_PREFIX}/auth/totp/verify?code=123456`)
      .set("Authorization", `Bearer ${token}`)
      .set("X-Request-Id", "lb-7f3a.42");
    expect(res.headers["x-request-id"]).toBe("lb-7f3a.42");
    expect(lines.find((l) => l.reqId === "lb-7f3a.42")).toBeDefined();
    expect(raw.join("\n")).not.toContain("123456");
  });

  it("LOG_LEVEL=error drops the request lines of answers below 500", async () => {
    const { app, lines } = loggedApp("error");
    await request(app).get("/healthz").expect(200);
    await request(app).get("/nothing-here").expect(404);
    expect(lines).toHaveLength(0);
  });

  it("a 500 is logged at error with its error, on lines naming the request's id", async () => {
    const tenant = await newTenant(ctx);
    const token = await tokenFor(ctx.app, tenant.serverKey);
    // A database whose every read fails, as when the server went away mid-request.
    const gone = new Proxy(ctx.deps.db, {
      get: (target, name) =>
        name === "selectFrom"
          ? () => {
              throw new Error("database gone");
            }
          : Reflect.get(target, name),
    });
    const { app, lines } = loggedApp("error", { db: gone });
    const answer = await request(app)
      .get(`${API_PREFIX}/tiers`)
      .set("Authorization", `Bearer ${token}`);
    expect(answer.status).toBe(500);
    const id = answer.headers["x-request-id"];
    expect(answer.body.details).toContain(id);
    expect(lines.map((l) => [l.reqId, l.msg])).toEqual([
      [id, "unhandled error"],
      [id, "request errored"],
    ]);
    expect((lines[0]!.err as { message: string }).message).toBe("database gone");
  });
});

describe("/healthz and /readyz", () => {
  it("answer at the root and under the API prefix without a token", async () => {
    for (const base of ["", API_PREFIX]) {
      expect((await request(ctx.app).get(`${base}/healthz`)).body).toEqual({ data: "ok" });
      const ready = await request(ctx.app).get(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.body.data).toMatchObject({
        ready: true,
        checks: { database: "ok", migrations: "current" },
      });
    }
    expect((await request(ctx.app).get("/health")).body).toEqual({ data: "ok" });
  });

  describe("on a database a migration behind", () => {
    let behind: TestDatabase;
    beforeAll(async () => {
      behind = await createTestDatabase();
      await migrateBackTo(behind.db, "2026-12-07T00-00-00_device-token-ttl-bound");
    });
    afterAll(() => behind.destroy());

    it("/readyz answers 503 naming the pending migration; /healthz stays 200", async () => {
      const app = createApp({ db: behind.db, now: () => new Date(), jwtSecret: ctx.jwtSecret });
      const res = await request(app).get(`${API_PREFIX}/readyz`);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe("UNAVAILABLE");
      expect(res.body.details).toMatch(
        /migrations: pending: .*2026-12-20T00-00-00_account-operations/,
      );
      expect(res.body.checks.database).toBe("ok");
      expect((await request(app).get("/healthz")).status).toBe(200);
    });
  });

  it("/readyz answers 503 once shutdown began", async () => {
    const app = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret, draining: () => true });
    const res = await request(app).get("/readyz");
    expect(res.status).toBe(503);
    expect(res.body.checks.shutdown).toBe("in progress");
  });
});

describe("/metrics", () => {
  it("counts requests by route pattern and status, events by type and outcome, refused redemptions by code", async () => {
    const metrics = createMetrics({ db: ctx.deps.db });
    const app = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret, metrics });
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    for (const id of ["metrics-1", "metrics-2"])
      await createCustomer(ctx.deps, tenant.accountId, { id, is_anonymous: false });
    const server = client(app, await tokenFor(app, tenant.serverKey));
    const event = (n: number) => ({
      customer_id: `metrics-${n}`,
      brand_id: tenant.brandId,
      type: "PURCHASE",
      order: { purchase_id: `m-${n}`, value: 10 },
    });
    expect((await server.post("/behavior/events", event(1))).status).toBe(201);
    expect((await server.post("/behavior/events", event(2))).status).toBe(201);
    expect((await server.get("/customers/metrics-1")).status).toBe(200);
    expect((await server.get("/customers/nobody")).status).toBe(404);
    const refused = await server.post("/coupons/redeem", {
      customer_id: "metrics-1",
      brand_id: tenant.brandId,
      code: "NO-SUCH-CODE",
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const text = (await request(app).get("/metrics").expect(200)).text;
    expect(text).toMatch(
      /tally_http_request_duration_seconds_count\{method="POST",route="\/behavior\/events",status="201"\} 2/,
    );
    expect(text).toMatch(/route="\/customers\/:id",status="200"\} 1/);
    expect(text).toMatch(/route="\/customers\/:id",status="404"\} 1/);
    expect(text).not.toContain("metrics-1");
    expect(text).toMatch(/tally_events_total\{type="PURCHASE",outcome="processed"\} 2/);
    expect(text).toMatch(
      new RegExp(`tally_redemptions_refused_total\\{code="${refused.body.error}"\\} 1`),
    );
    expect(text).toMatch(/tally_jobs\{status="QUEUED"\} \d+/);
    expect(text).toMatch(/tally_jobs\{status="FAILED"\} \d+/);
  });

  it("reports the pool's connections on PostgreSQL", async () => {
    const metrics = createMetrics({ poolStats: () => ({ total: 4, idle: 3, waiting: 0 }) });
    const app = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret, metrics });
    const text = (await request(app).get("/metrics").expect(200)).text;
    expect(text).toContain('tally_db_pool_connections{state="total"} 4');
    expect(text).toContain('tally_db_pool_connections{state="idle"} 3');
    expect(text).toContain('tally_db_pool_connections{state="waiting"} 0');
  });

  it("with METRICS_TOKEN, answers only a bearer of that token", async () => {
    const metricsToken = "scrape-secret-0123456789";
    const app = createApp({
      ...ctx.deps,
      jwtSecret: ctx.jwtSecret,
      metrics: createMetrics(),
      metricsToken,
    });
    expect((await request(app).get("/metrics")).status).toBe(401);
    expect((await request(app).get("/metrics").set("Authorization", "Bearer wrong")).status).toBe(
      401,
    );
    const ok = await request(app).get("/metrics").set("Authorization", `Bearer ${metricsToken}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("tally_http_request_duration_seconds");
  });
});
