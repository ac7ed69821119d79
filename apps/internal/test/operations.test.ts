import { randomUUID } from "node:crypto";
import { ZEventCreateSchema } from "@tally/schemas";
import { claimMigrationJob, emitEvent, enqueueMigration, runMigrationJob } from "@tally/service";
import { describe, expect, it } from "vitest";
import { customer } from "./fixtures.ts";
import { expectTallyError, type InternalApiHarness, useInternalApi } from "./harness.ts";

const h = useInternalApi();

/** An account with a brand, a POINTS reward (0.05 each) and a campaign giving 10 per VISIT. */
async function program(harness: InternalApiHarness) {
  const account = await harness.newAccount();
  const { client } = account;
  await client.brands.create.mutate({ id: "B", name: "Brand" });
  const reward = await client.rewards.create.mutate({
    name: "Points",
    type: "POINTS",
    brand_id: "B",
    attributes: { conversion_factor: "0.05" },
  });
  await client.campaigns.create.mutate({
    type: "BEHAVIOR",
    name: "Visits",
    brand_id: "B",
    attributes: { trigger: "VISIT" },
    rules: [{ conditions: [], effects: [{ reward_id: reward.id, amount: "10" }] }],
  });
  const visit = (customer_id: string, fulfilled = true) =>
    emitEvent(
      harness.deps,
      { accountId: account.accountId, keyId: "test", kind: "SERVER" },
      ZEventCreateSchema.parse({ customer_id, brand_id: "B", type: "VISIT", fulfilled }),
    );
  return { ...account, reward, visit };
}

describe("events", () => {
  it("list by customer and by day, get, fulfil a pending event, reverse another", async () => {
    const { accountId, client, visit } = await program(h);
    const c = await customer(h, accountId);
    const pending = (await visit(c.id, false)).event;
    const other = (await visit(c.id, false)).event;
    expect(pending.status).toBe("PENDING");
    const fulfilled = await client.events.fulfil.mutate({ id: pending.id });
    expect(fulfilled.status).toBe("RESOLVED");
    expect((fulfilled.result!.wallet as { totals: { total: string }[] }).totals[0]!.total).toBe(
      "10",
    );
    expect(await client.events.get.query({ id: pending.id })).toMatchObject({ status: "RESOLVED" });
    const cancelled = await client.events.reverse.mutate({ id: other.id, reason: "walked out" });
    expect(cancelled.status).toBe("CANCELLED");
    const mine = await client.events.list.query({ customer_id: c.id, limit: 2 });
    expect(mine.items.map((e) => e.id)).toEqual([other.id, pending.id]);
    const today = h.clock.now().toISOString().slice(0, 10);
    const day = await client.events.list.query({ date: today, limit: 1000 });
    expect(day.items.map((e) => e.id)).toContain(pending.id);
    expect((await client.events.list.query({ date: "2001-01-01" })).items).toEqual([]);
  });

  it("validation and a 404 across accounts", async () => {
    const { accountId, visit } = await program(h);
    const c = await customer(h, accountId);
    const { event } = await visit(c.id);
    const other = await h.newAccount();
    await expectTallyError(
      other.client.events.get.query({ id: event.id }),
      "NOT_FOUND",
      `event "${event.id}" not found`,
    );
    await expectTallyError(other.client.events.fulfil.mutate({ id: event.id }), "NOT_FOUND");
    await expectTallyError(other.client.events.reverse.mutate({ id: event.id }), "NOT_FOUND");
    await expectTallyError(
      other.client.events.list.query({ date: "2026-02-30" }),
      "VALIDATION_FAILED",
    );
    await expectTallyError(
      other.client.events.get.query({ id: "nope" }),
      "VALIDATION_FAILED",
      /^id: /,
    );
  });
});

describe("ledger", () => {
  it("audit is healthy per customer and account-wide; liability values outstanding points", async () => {
    const { accountId, client, reward, visit } = await program(h);
    const c = await customer(h, accountId);
    await visit(c.id);
    await visit(c.id);
    await client.customers.adjust.mutate({
      id: randomUUID(),
      customer_id: c.id,
      reward_id: reward.id,
      direction: "DEBIT",
      amount: "5",
      reason: "correction",
      actor: "ops",
    });
    expect(await client.ledger.audit.query({})).toEqual({ healthy: true, mismatches: [] });
    expect(await client.ledger.audit.query({ customer_id: c.id })).toMatchObject({ healthy: true });
    const today = h.clock.now().toISOString().slice(0, 10);
    const report = await client.ledger.liability.query({ from: today, to: today });
    expect(report.rewards).toEqual([
      expect.objectContaining({
        reward_id: reward.id,
        outstanding: "15",
        conversion_factor: "0.05",
        value: "0.75",
      }),
    ]);
    expect(report.brands).toEqual([{ brand_id: "B", value: "0.75" }]);
    expect(report.total_value).toBe("0.75");
    expect(report.days).toEqual([
      {
        date: today,
        reward_id: reward.id,
        issued: "20",
        redeemed: "5",
        expired: "0",
        reversed: "0",
      },
    ]);
  });

  it("the liability range is bounded; another account's customer is a 404", async () => {
    const { client } = await h.newAccount();
    await expectTallyError(
      client.ledger.liability.query({ from: "2026-01-01", to: "2027-01-05" }),
      "VALIDATION_FAILED",
      /^to: the range must run forward from "from" and span at most 366 days/,
    );
    await expectTallyError(
      client.ledger.liability.query({ from: "2026-13-01", to: "2026-12-01" }),
      "VALIDATION_FAILED",
    );
    const a = await h.newAccount();
    const c = await customer(h, a.accountId);
    await expectTallyError(client.ledger.audit.query({ customer_id: c.id }), "NOT_FOUND");
  });
});

describe("giftCards", () => {
  it("redeems a card in parts until used up; the lot leaves the wallet then; reversal is refused", async () => {
    const { accountId, client } = await h.newAccount();
    await client.brands.create.mutate({ id: "B", name: "Brand" });
    const card = await client.rewards.create.mutate({
      name: "Card",
      type: "GIFT_CARD",
      attributes: { value: "25" },
    });
    await client.rewards.giftCards.add.mutate({
      reward_id: card.id,
      codes: [{ code: "GC-1", value: "40.50" }],
    });
    await client.campaigns.create.mutate({
      type: "BEHAVIOR",
      name: "Card on signup",
      attributes: { trigger: "VISIT" },
      rules: [{ conditions: [], effects: [{ reward_id: card.id, amount: "1" }] }],
    });
    const c = await customer(h, accountId);
    const { event } = await emitEvent(
      h.deps,
      { accountId, keyId: "t", kind: "SERVER" },
      ZEventCreateSchema.parse({ customer_id: c.id, brand_id: "B", type: "VISIT" }),
    );
    expect(await client.giftCards.get.query({ code: "gc-1" })).toMatchObject({
      customer_id: c.id,
      value: "40.5",
      spent: "0",
      remaining: "40.5",
    });
    expect(await client.giftCards.redeem.mutate({ code: "GC-1", amount: "0.5" })).toMatchObject({
      remaining: "40",
    });
    await expectTallyError(
      client.giftCards.redeem.mutate({ code: "GC-1", amount: "40.01" }),
      "INSUFFICIENT_BALANCE",
      "amount: gift card GC-1 has 40 left, 40.01 asked",
    );
    expect((await client.customers.get.query({ customer_id: c.id })).wallet.totals[0]!.total).toBe(
      "1",
    );
    // Spent in part: the card cannot go back to the pool.
    await expectTallyError(
      client.events.reverse.mutate({ id: event.id }),
      "CONFLICT",
      /already redeemed/,
    );
    const done = await client.giftCards.redeem.mutate({ code: "GC-1" });
    expect(done).toMatchObject({ spent: "40.5", remaining: "0" });
    expect(done.redeemed_at).not.toBeNull();
    expect((await client.customers.get.query({ customer_id: c.id })).wallet.totals).toEqual([]);
    await expectTallyError(
      client.giftCards.redeem.mutate({ code: "GC-1" }),
      "CONFLICT",
      "code: gift card GC-1 is already used up",
    );
    expect(await client.ledger.audit.query({})).toMatchObject({ healthy: true });
  });

  it("a card in the pool is a CONFLICT; another account's card a 404; a bad amount a 400", async () => {
    const { client } = await h.newAccount();
    const card = await client.rewards.create.mutate({
      name: "Card",
      type: "GIFT_CARD",
      attributes: { value: "25" },
    });
    await client.rewards.giftCards.add.mutate({ reward_id: card.id, codes: [{ code: "POOL-1" }] });
    await expectTallyError(
      client.giftCards.redeem.mutate({ code: "POOL-1" }),
      "CONFLICT",
      /never given/,
    );
    await expectTallyError(
      client.giftCards.redeem.mutate({ code: "POOL-1", amount: "-1" }),
      "VALIDATION_FAILED",
    );
    const other = await h.newAccount();
    await expectTallyError(
      other.client.giftCards.get.query({ code: "POOL-1" }),
      "NOT_FOUND",
      'gift card "POOL-1" not found',
    );
  });
});

describe("migrations", () => {
  it("lists jobs, shows per-item errors and retries the failed items as a new job", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await client.rewards.create.mutate({
      name: "P",
      type: "POINTS",
      attributes: { conversion_factor: "1" },
    });
    const balance = (amount: number) => [{ reward_id: reward.id, amount }];
    const job = await enqueueMigration(h.deps, accountId, "CUSTOMERS", {
      customers: [
        { id: "m1", balance: balance(5) },
        { id: "m2", email: "same@example.com" },
        { id: "m3", email: "same@example.com" },
      ],
    });
    const worker = { workerId: "test", leaseMs: 60_000 };
    const claimed = await claimMigrationJob(h.t.db, { ...worker, now: h.clock.now() });
    expect(claimed?.id).toBe(job.id);
    await runMigrationJob(claimed!, { ...worker, db: h.t.db, now: h.clock.now });
    const listed = await client.migrations.list.query({});
    expect(listed.items.map((j) => j.id)).toEqual([job.id]);
    const ran = await client.migrations.get.query({ id: job.id });
    expect(ran.failed).toBe(1);
    expect(ran.errors).toMatchObject([{ item: 2, customer_id: "m3" }]);
    const retry = await client.migrations.retryFailed.mutate({ id: job.id });
    expect(retry).toMatchObject({ retried: [2], job: { status: "QUEUED", items: 1 } });
    await expectTallyError(
      client.migrations.retryFailed.mutate({ id: retry.job.id }),
      "CONFLICT",
      /QUEUED/,
    );
    const other = await h.newAccount();
    await expectTallyError(other.client.migrations.get.query({ id: job.id }), "NOT_FOUND");
    await expectTallyError(
      client.migrations.list.query({ status: "DONE" as never }),
      "VALIDATION_FAILED",
    );
  });
});
