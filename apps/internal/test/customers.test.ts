import { randomUUID } from "node:crypto";
import { auditLedger } from "@tally/service";
import { describe, expect, it } from "vitest";
import { customer, pointsReward } from "./fixtures.ts";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

const credit = (customer_id: string, reward_id: string, amount: string, extra = {}) => ({
  id: randomUUID(),
  customer_id,
  reward_id,
  direction: "CREDIT" as const,
  amount,
  reason: "goodwill",
  actor: "ops@example.com",
  ...extra,
});

describe("customers", () => {
  it("search by id, email, tag and tier, paged by cursor", async () => {
    const { accountId, client } = await h.newAccount();
    const a = await customer(h, accountId, {
      id: "a1",
      email: "Ann@Example.com",
      tags: { vip: true },
    });
    await customer(h, accountId, { id: "a2" });
    await customer(h, accountId, { id: "a3" });
    expect((await client.customers.search.query({ id: "a2" })).items.map((c) => c.id)).toEqual([
      "a2",
    ]);
    expect((await client.customers.search.query({ email: "ann@example.COM" })).items[0]!.id).toBe(
      "a1",
    );
    expect((await client.customers.search.query({ tag: "vip" })).items.map((c) => c.id)).toEqual([
      "a1",
    ]);
    const first = await client.customers.search.query({ tier_id: a.tier_id, limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual(["a1", "a2"]);
    const rest = await client.customers.search.query({
      tier_id: a.tier_id,
      limit: 2,
      cursor: first.next_cursor!,
    });
    expect(rest).toMatchObject({ items: [{ id: "a3" }], next_cursor: null });
  });

  it("get answers the customer with its wallet, amounts as decimal strings", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    await client.customers.adjust.mutate(credit(c.id, reward.id, "12.34"));
    const got = await client.customers.get.query({ customer_id: c.id });
    expect(got.customer.id).toBe(c.id);
    expect(got.wallet.totals).toMatchObject([
      { reward_id: reward.id, total: "12.34", available: "12.34" },
    ]);
    expect(got.wallet.lines[0]!.amount).toBe("12.34");
  });

  it("ledger and events list the customer's rows newest first, by cursor", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    for (const amount of ["1", "2", "3"])
      await client.customers.adjust.mutate(credit(c.id, reward.id, amount));
    const page = await client.customers.ledger.query({ customer_id: c.id, limit: 2 });
    expect(page.items.map((t) => t.amount)).toEqual(["3", "2"]);
    expect(page.items[0]).toMatchObject({
      type: "ADJUSTMENT",
      details: "goodwill (by ops@example.com)",
    });
    const next = await client.customers.ledger.query({
      customer_id: c.id,
      cursor: page.next_cursor!,
    });
    expect(next).toMatchObject({ items: [{ amount: "1" }], next_cursor: null });
    const events = await client.customers.events.query({ customer_id: c.id, limit: 10 });
    // Three adjustments and the registration.
    expect(events.items.map((e) => e.type)).toEqual([
      "ADJUSTMENT",
      "ADJUSTMENT",
      "ADJUSTMENT",
      "REGISTRATION",
    ]);
  });

  it("bad input is VALIDATION_FAILED naming the field", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    await expectTallyError(
      client.customers.search.query({ limit: 0 }),
      "VALIDATION_FAILED",
      /limit/,
    );
    await expectTallyError(
      client.customers.adjust.mutate(credit(c.id, reward.id, "1.5e3")),
      "VALIDATION_FAILED",
      /^amount: /,
    );
    await expectTallyError(
      client.customers.adjust.mutate(credit(c.id, reward.id, "1.234")),
      "VALIDATION_FAILED",
      "amount: reward allows at most 2 decimals (1.234 given)",
    );
    await expectTallyError(
      client.customers.adjust.mutate({
        ...credit(c.id, reward.id, "1"),
        direction: "DEBIT",
        expires_in: "3/days",
      }),
      "VALIDATION_FAILED",
      /expires_in: a debit takes no expiry/,
    );
  });

  it("another account's customer is a 404 on every procedure", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    const reward = await pointsReward(h, b.accountId);
    const c = await customer(h, a.accountId, { id: "theirs" });
    const notFound = 'customer "theirs" not found';
    await expectTallyError(
      b.client.customers.get.query({ customer_id: c.id }),
      "NOT_FOUND",
      notFound,
    );
    await expectTallyError(
      b.client.customers.ledger.query({ customer_id: c.id }),
      "NOT_FOUND",
      notFound,
    );
    await expectTallyError(
      b.client.customers.events.query({ customer_id: c.id }),
      "NOT_FOUND",
      notFound,
    );
    await expectTallyError(
      b.client.customers.adjust.mutate(credit(c.id, reward.id, "1")),
      "NOT_FOUND",
      notFound,
    );
    expect((await b.client.customers.search.query({ id: "theirs" })).items).toEqual([]);
  });
});

describe("customers.adjust", () => {
  it("a credit makes a lot expiring as given; a debit takes lots by expiry and never overdraws", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    await client.customers.adjust.mutate(credit(c.id, reward.id, "10"));
    const soon = await client.customers.adjust.mutate(
      credit(c.id, reward.id, "5", { expires_in: "7/days" }),
    );
    expect(soon).toMatchObject({ type: "ADJUSTMENT", status: "RESOLVED" });
    const debit = { ...credit(c.id, reward.id, "7"), direction: "DEBIT" as const, reason: "fraud" };
    const spent = await client.customers.adjust.mutate(debit);
    // The expiring lot goes first (5), then the never-expiring one (2).
    const rows = (spent.result!.transactions as { amount: string; type: string }[]).map(
      (t) => t.amount,
    );
    expect(rows).toEqual(["-5", "-2"]);
    await expectTallyError(
      client.customers.adjust.mutate({ ...debit, id: randomUUID(), amount: "8.01" }),
      "INSUFFICIENT_BALANCE",
      /^amount: the wallet holds 8 of reward .* available, 8.01 asked; nothing was debited$/,
    );
    const got = await client.customers.get.query({ customer_id: c.id });
    expect(got.wallet.totals[0]!.total).toBe("8");
    expect(await auditLedger(h.t.db, accountId)).toEqual([]);
  });

  it("a retry with the same id answers the first adjustment; other fields are a CONFLICT", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    const input = credit(c.id, reward.id, "4");
    const first = await client.customers.adjust.mutate(input);
    const again = await client.customers.adjust.mutate(input);
    expect(again.id).toBe(first.id);
    expect((await client.customers.get.query({ customer_id: c.id })).wallet.totals[0]!.total).toBe(
      "4",
    );
    await expectTallyError(
      client.customers.adjust.mutate({ ...input, amount: "5" }),
      "CONFLICT",
      `id: ${input.id} already names another event or adjustment; a retry must repeat its fields`,
    );
  });

  it("events.reverse undoes a credit and a debit; what a reversed credit left spent is 422", async () => {
    const { accountId, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    const total = async () =>
      (await client.customers.get.query({ customer_id: c.id })).wallet.totals[0]?.total ?? "0";
    const a = await client.customers.adjust.mutate(credit(c.id, reward.id, "10"));
    const d = await client.customers.adjust.mutate({
      ...credit(c.id, reward.id, "6"),
      direction: "DEBIT",
    });
    expect(await total()).toBe("4");
    // The credit's 6 spent by the debit cannot be taken back from 4 others.
    await expectTallyError(client.events.reverse.mutate({ id: a.id }), "INSUFFICIENT_BALANCE");
    const undone = await client.events.reverse.mutate({ id: d.id, reason: "mistake" });
    expect(undone.status).toBe("REVERSED");
    expect(await total()).toBe("10");
    await client.events.reverse.mutate({ id: a.id });
    expect(await total()).toBe("0");
    await expectTallyError(client.events.reverse.mutate({ id: a.id }), "CONFLICT");
    const ledger = await client.customers.ledger.query({ customer_id: c.id });
    expect(
      ledger.items
        .filter((t) => t.type === "REVERSAL")
        .map((t) => t.amount)
        .sort(),
    ).toEqual(["-10", "6"]);
    expect(await auditLedger(h.t.db, accountId)).toEqual([]);
  });

  it("a credit of an archived reward is a CONFLICT; an unknown reward a 404", async () => {
    const { accountId, client } = await h.newAccount();
    const c = await customer(h, accountId);
    await expectTallyError(
      client.customers.adjust.mutate(credit(c.id, randomUUID(), "1")),
      "NOT_FOUND",
      /^reward ".*" not found$/,
    );
    const reward = await pointsReward(h, accountId);
    await client.rewards.archive.mutate({ id: reward.id });
    await expectTallyError(
      client.customers.adjust.mutate(credit(c.id, reward.id, "1")),
      "CONFLICT",
      /is archived/,
    );
  });
});
