import { randomUUID } from "node:crypto";
import { createCustomer } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

async function customersIn(accountId: string) {
  const rows = await h.t.db
    .selectFrom("customers")
    .select(["id", "tier_id"])
    .where("account_id", "=", accountId)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.tier_id);
}

describe("tiers", () => {
  it("a new tier open to everyone promotes the customers at once; deleting it moves them back to Base", async () => {
    const { accountId, client } = await h.newAccount();
    for (const id of ["c1", "c2"])
      await createCustomer(h.deps, accountId, { id, is_anonymous: false } as Parameters<
        typeof createCustomer
      >[2]);
    const [base] = (await client.tiers.list.query({})).items;
    expect(base).toMatchObject({ name: "Base", level: 1 });
    const gold = await client.tiers.create.mutate({ name: "Gold", level: 3 });
    expect(gold.tier).toMatchObject({ name: "Gold", level: 3, status: "ACTIVE" });
    expect(gold.reevaluation).toEqual({ promoted: 2, queued: false });
    expect(await customersIn(accountId)).toEqual([gold.tier.id, gold.tier.id]);

    const deleted = await client.tiers.delete.mutate({ id: gold.tier.id });
    expect(deleted.moved).toBe(2);
    expect(deleted.tiers.map((t) => t.name)).toEqual(["Base"]);
    expect(await customersIn(accountId)).toEqual([base!.id, base!.id]);
    await expectTallyError(client.tiers.delete.mutate({ id: gold.tier.id }), "NOT_FOUND");
  });

  it("update changes the fields given; reorder swaps two levels; Base keeps level 1", async () => {
    const { client } = await h.newAccount();
    const entry = [
      [{ type: "Customer Tag", operator: "equal to", primitive: "string", value: "vip" }],
    ];
    const silver = (
      await client.tiers.create.mutate({ name: "Silver", level: 2, entry_conditions: entry })
    ).tier;
    const gold = (
      await client.tiers.create.mutate({ name: "Gold", level: 3, entry_conditions: entry })
    ).tier;
    const renamed = await client.tiers.update.mutate({ id: silver.id, description: "second step" });
    expect(renamed.tier).toMatchObject({ name: "Silver", description: "second step", level: 2 });
    const { tiers } = await client.tiers.reorder.mutate({
      levels: [
        { id: silver.id, level: 3 },
        { id: gold.id, level: 2 },
      ],
    });
    expect(tiers.map((t) => [t.name, t.level])).toEqual([
      ["Base", 1],
      ["Gold", 2],
      ["Silver", 3],
    ]);
    await expectTallyError(
      client.tiers.update.mutate({ id: gold.id, level: 3 }),
      "CONFLICT",
      "level: a tier with level 3 already exists",
    );
    await expectTallyError(
      client.tiers.update.mutate({ id: tiers[0]!.id, level: 4 }),
      "CONFLICT",
      "level: the Base tier stays at level 1",
    );
  });

  it("a create retried with its id answers the same tier; other fields are a CONFLICT", async () => {
    const { client } = await h.newAccount();
    const id = randomUUID();
    const first = await client.tiers.create.mutate({ id, name: "Gold", level: 2 });
    const again = await client.tiers.create.mutate({ id, name: "Gold", level: 2 });
    expect(again.tier).toEqual(first.tier);
    expect((await client.tiers.list.query({})).items).toHaveLength(2);
    await expectTallyError(
      client.tiers.create.mutate({ id, name: "Platinum", level: 2 }),
      "CONFLICT",
      `id: tier ${id} already exists with other fields`,
    );
  });

  it("bad input is VALIDATION_FAILED naming the field; another account's tier is NOT_FOUND", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    await expectTallyError(
      a.client.tiers.create.mutate({ name: "Gold", level: 11 }),
      "VALIDATION_FAILED",
      /^level: /,
    );
    await expectTallyError(
      a.client.tiers.create.mutate({
        name: "Gold",
        level: 2,
        entry_conditions: [
          [{ type: "Shoe Size", operator: "equal to", primitive: "number", value: 1 }],
        ],
      }),
      "VALIDATION_FAILED",
      /entry_conditions\[0\]\[0\]/,
    );
    const theirs = (await b.client.tiers.create.mutate({ name: "Gold", level: 2 })).tier;
    await expectTallyError(
      a.client.tiers.update.mutate({ id: theirs.id, name: "Mine" }),
      "NOT_FOUND",
      `tier "${theirs.id}" not found`,
    );
    await expectTallyError(a.client.tiers.delete.mutate({ id: theirs.id }), "NOT_FOUND");
  });
});
