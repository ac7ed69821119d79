import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

const effect = (reward_id: string) => ({
  rules: [{ conditions: [], effects: [{ reward_id, amount: "10" }] }],
});

describe("rewards", () => {
  it("creates, updates and archives a reward; amounts cross as decimal strings", async () => {
    const { client } = await h.newAccount();
    const id = randomUUID();
    const points = await client.rewards.create.mutate({
      id,
      name: "Points",
      type: "POINTS",
      attributes: { conversion_factor: "0.05", decimals: 2 },
    });
    expect(points).toMatchObject({
      id,
      type: "POINTS",
      attributes: { conversion_factor: "0.05", decimals: 2 },
      archived_at: null,
    });
    // A retry with the same id and fields answers the same reward; other fields are a CONFLICT.
    expect(
      await client.rewards.create.mutate({
        id,
        name: "Points",
        type: "POINTS",
        attributes: { conversion_factor: "0.05", decimals: 2 },
      }),
    ).toEqual(points);
    await expectTallyError(
      client.rewards.create.mutate({
        id,
        name: "Other",
        type: "POINTS",
        attributes: { conversion_factor: "0.1" },
      }),
      "CONFLICT",
      `id: reward ${id} already exists with other fields`,
    );
    const updated = await client.rewards.update.mutate({
      id,
      name: "Stars",
      attributes: { conversion_factor: "0.1" },
    });
    expect(updated).toMatchObject({ name: "Stars", attributes: { conversion_factor: "0.1" } });
    const archived = await client.rewards.archive.mutate({ id });
    expect(archived.archived_at).not.toBeNull();
    expect(await client.rewards.archive.mutate({ id })).toEqual(archived);
    await expectTallyError(client.rewards.update.mutate({ id, name: "x" }), "CONFLICT");
    const live = await client.rewards.list.query({ archived: false });
    expect(live.items.map((r) => r.id)).not.toContain(id);
  });

  it("a reward a live campaign gives cannot be archived until the campaign is; campaigns cannot name an archived one", async () => {
    const { client } = await h.newAccount();
    const reward = await client.rewards.create.mutate({
      name: "Points",
      type: "POINTS",
      attributes: { conversion_factor: "0.1" },
    });
    const campaign = await client.campaigns.create.mutate({
      type: "BEHAVIOR",
      name: "Visits",
      attributes: { trigger: "VISIT" },
      ...effect(reward.id),
    });
    await expectTallyError(
      client.rewards.archive.mutate({ id: reward.id }),
      "CONFLICT",
      `id: campaign ${campaign.id} can still give reward ${reward.id}; archive or end it first`,
    );
    await client.campaigns.archive.mutate({ id: campaign.id });
    await client.rewards.archive.mutate({ id: reward.id });
    await expectTallyError(
      client.campaigns.create.mutate({
        type: "BEHAVIOR",
        name: "Again",
        attributes: { trigger: "VISIT" },
        ...effect(reward.id),
      }),
      "CONFLICT",
      `rules[0].effects[0].reward_id: reward ${reward.id} is archived`,
    );
  });

  it("lists by cursor; a float amount, bad attributes and another account's reward are refused", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    for (const name of ["R1", "R2", "R3"])
      await a.client.rewards.create.mutate({
        name,
        type: "POINTS",
        attributes: { conversion_factor: "0.1" },
      });
    const first = await a.client.rewards.list.query({ limit: 2 });
    expect(first.items.map((r) => r.name)).toEqual(["R1", "R2"]);
    const second = await a.client.rewards.list.query({ limit: 2, cursor: first.next_cursor! });
    expect(second).toMatchObject({ items: [{ name: "R3" }], next_cursor: null });
    await expectTallyError(
      a.client.rewards.create.mutate({
        name: "F",
        type: "POINTS",
        attributes: { conversion_factor: 0.1 as unknown as string },
      }),
      "VALIDATION_FAILED",
      /^attributes\.conversion_factor: /,
    );
    await expectTallyError(
      a.client.rewards.create.mutate({ name: "D", type: "DISCOUNT", attributes: {} }),
      "VALIDATION_FAILED",
      /^attributes\.discount_type: /,
    );
    const theirs = await b.client.rewards.create.mutate({
      name: "Theirs",
      type: "POINTS",
      attributes: { conversion_factor: "0.1" },
    });
    await expectTallyError(
      a.client.rewards.get.query({ id: theirs.id }),
      "NOT_FOUND",
      `reward "${theirs.id}" not found`,
    );
    await expectTallyError(a.client.rewards.archive.mutate({ id: theirs.id }), "NOT_FOUND");
  });

  it("loads a gift-card pool (a retry answers it) and pages its codes by status", async () => {
    const { client } = await h.newAccount();
    const card = await client.rewards.create.mutate({
      name: "Card",
      type: "GIFT_CARD",
      attributes: { value: "25.50" },
    });
    const codes = [
      { code: "GC-1", value: "10.25" },
      { code: "GC-2" },
      { code: "GC-3", expiration_date: "2020-01-01T00:00:00Z" },
    ];
    const pool = await client.rewards.giftCards.add.mutate({ reward_id: card.id, codes });
    expect(pool).toMatchObject({ total: 3, available: 2, expired: 1, assigned: 0 });
    expect(pool.items[0]).toMatchObject({ code: "GC-1", value: "10.25", status: "AVAILABLE" });
    expect(await client.rewards.giftCards.add.mutate({ reward_id: card.id, codes })).toEqual(pool);
    const expired = await client.rewards.giftCards.list.query({
      reward_id: card.id,
      status: "EXPIRED",
    });
    expect(expired.items.map((c) => c.code)).toEqual(["GC-3"]);
    await expectTallyError(
      client.rewards.giftCards.add.mutate({
        reward_id: card.id,
        codes: [{ code: "GC-1" }, { code: "GC-9" }],
      }),
      "CONFLICT",
    );
  });
});
