import { describe, expect, it } from "vitest";
import { expectError, newTenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

describe("campaign creation", () => {
  it("refuses a budget over points that cost nothing (a reward stored before they were refused)", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "Free", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    // No route writes such a reward any more; one written before it was refused may be stored.
    await ctx.t.db
      .updateTable("rewards")
      .set({ attributes: JSON.stringify({ decimals: 0 }) })
      .where("id", "=", reward.body.data.id)
      .execute();
    const body = {
      name: "c",
      attributes: { trigger: "PURCHASE" },
      rules: [{ effects: [{ reward_id: reward.body.data.id, amount: 1 }] }],
      withoutEndDate: true,
      budget: 100,
    };
    expectError(
      await tenant.server.post("/campaigns?type=BEHAVIOR", body),
      400,
      "VALIDATION_FAILED",
      /budget.*conversion_factor/,
    );
  });

  it("lets a campaign start on today's plain date", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const res = await tenant.server.post("/campaigns?type=BEHAVIOR", {
      name: "today",
      attributes: { trigger: "PURCHASE" },
      rules: [{ effects: [{ reward_id: reward.body.data.id, amount: 1 }] }],
      withoutEndDate: true,
      start_date: today,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.status).toBe("RUNNING");
  });
});
