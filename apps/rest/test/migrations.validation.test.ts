import { randomUUID } from "node:crypto";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { API_PREFIX, expectError, newTenant, pointsProgram, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

const event = { type: "PURCHASE", order: { value: 1 }, issued_at: "2024-01-01T00:00:00Z" };

describe("migrate validation", () => {
  it("rejects 1001 customers (a body over 1 MB still parses: 400, not 413)", async () => {
    const tenant = await newTenant(ctx);
    const customers = Array.from({ length: 1001 }, (_, i) => ({
      id: `c-${i}`,
      padding: "x".repeat(1500),
    }));
    const res = await tenant.server.post("/customers/migrate", { customers });
    expectError(res, 400, "VALIDATION_FAILED", /^customers: .*1000/);
    const one = [{ id: "a", events: Array.from({ length: 1001 }, () => event) }];
    const events = await tenant.server.post("/customers/migrate/events", { customers: one });
    expectError(events, 400, "VALIDATION_FAILED", /customers.*1000/);
    const split = Array.from({ length: 11 }, (_, i) => ({
      id: `c-${i}`,
      events: Array.from({ length: 91 }, () => event),
    }));
    const many = await tenant.server.post("/customers/migrate/events", { customers: split });
    expectError(
      many,
      400,
      "VALIDATION_FAILED",
      /customers: holds 1001 events; a batch holds at most 1000/,
    );
  });

  it("names every bad item and field of the batch, including unknown rewards and brands", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const good = { id: "ok", balance: [{ reward_id: rewardId, amount: 1 }] };
    const bad = [
      good,
      { id: "x", balance: [{ reward_id: rewardId, amount: -5 }] },
      { name: "no id" },
      { id: "y", email: "not-an-email" },
    ];
    const res = await tenant.server.post("/customers/migrate", { customers: bad });
    const details = expectError(res, 400, "VALIDATION_FAILED");
    expect(details).toMatch(/customers\[1\]\.balance\[0\]\.amount: /);
    expect(details).toMatch(/customers\[2\]\.id: is required/);
    expect(details).toMatch(/customers\[3\]\.email: /);
    expect(details).not.toMatch(/customers\[0\]/);

    const missing = randomUUID();
    const refs = await tenant.server.post("/customers/migrate/transactions", {
      customers: [
        {
          id: "ok",
          transactions: [
            { reward_id: rewardId, type: "ACCUMULATION", amount: 1, issued_at: "2024-01-01" },
            { reward_id: missing, type: "BOGUS", amount: 1, issued_at: "2024-01-01" },
          ],
        },
      ],
    });
    expectError(refs, 400, "VALIDATION_FAILED", /customers\[0\]\.transactions\[1\]\.type: /);
    const refs2 = await tenant.server.post("/customers/migrate/transactions", {
      customers: [
        {
          id: "ok",
          transactions: [
            { reward_id: missing, type: "ACCUMULATION", amount: 1, issued_at: "2024-01-01" },
          ],
        },
        {
          id: "ok2",
          transactions: [
            {
              ...{ reward_id: rewardId },
              type: "REDEMPTION",
              amount: -1,
              issued_at: "2024-01-01",
              brand_id: "nope",
            },
          ],
        },
      ],
    });
    const d = expectError(refs2, 400, "VALIDATION_FAILED");
    expect(d).toContain(`customers[0].transactions[0].reward_id: reward "${missing}" not found`);
    expect(d).toContain('customers[1].transactions[0].brand_id: brand "nope" not found');
    const brands = await tenant.server.post("/customers/migrate/events", {
      customers: [{ id: "a", events: [{ ...event, brand_id: "zzz" }] }],
    });
    expectError(
      brands,
      400,
      "VALIDATION_FAILED",
      /customers\[0\]\.events\[0\]\.brand_id: brand "zzz" not found/,
    );
    // Nothing was queued by any rejected batch.
    const jobs = await ctx.t.db
      .selectFrom("migration_jobs")
      .select("id")
      .where("account_id", "=", tenant.accountId)
      .execute();
    expect(jobs).toEqual([]);
  });

  it("answers 413 above 10 MB on migrate routes, and keeps 1 MB elsewhere", async () => {
    const tenant = await newTenant(ctx);
    const big = { customers: [{ id: "a" }], padding: "x".repeat(10.5 * 1024 * 1024) };
    const res = await tenant.server.post("/customers/migrate/transactions", big);
    expectError(res, 413, "PAYLOAD_TOO_LARGE");
    const other = await tenant.server.post("/customers", {
      id: "a",
      padding: "x".repeat(1.5 * 1024 * 1024),
    });
    expectError(other, 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("migrate auth", () => {
  it("needs a token (401) and a SERVER key (403); jobs of other accounts and non-uuids are 404", async () => {
    const tenant = await newTenant(ctx);
    const other = await newTenant(ctx);
    const body = { customers: [{ id: "a" }] };
    for (const path of ["", "/events", "/transactions"]) {
      const anon = await request(ctx.app).post(`${API_PREFIX}/customers/migrate${path}`).send(body);
      expectError(anon, 401, "UNAUTHORIZED");
      expectError(await tenant.client.post(`/customers/migrate${path}`, body), 403, "FORBIDDEN");
    }
    const queued = await tenant.server.post("/customers/migrate", body).expect(202);
    const id = queued.body.data.id;
    expect((await tenant.server.get(`/migrations/${id}`).expect(200)).body.data).toMatchObject({
      id,
      type: "CUSTOMERS",
      status: "QUEUED",
      items: 1,
      processed: 0,
      errors: [],
    });
    expectError(await tenant.client.get(`/migrations/${id}`), 403, "FORBIDDEN");
    expectError(await other.server.get(`/migrations/${id}`), 404, "NOT_FOUND");
    expectError(await tenant.server.get("/migrations/not-a-uuid"), 404, "NOT_FOUND");
    expectError(await tenant.server.get(`/migrations/${randomUUID()}`), 404, "NOT_FOUND");
  });
});
