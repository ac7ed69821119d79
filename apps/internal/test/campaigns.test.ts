import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

async function setup() {
  const account = await h.newAccount();
  const reward = await account.client.rewards.create.mutate({
    name: "Points",
    type: "POINTS",
    attributes: { conversion_factor: "0.01" },
  });
  const rules = [{ conditions: [], effects: [{ reward_id: reward.id, amount: "2.5" }] }];
  return { ...account, reward, rules };
}

describe("campaigns", () => {
  it("creates each of the four types; amounts cross as decimal strings", async () => {
    const { client, rules } = await setup();
    const behavior = await client.campaigns.create.mutate({
      type: "BEHAVIOR",
      name: "Visits",
      attributes: { trigger: "VISIT" },
      rules,
      budget: "1000.50",
    });
    expect(behavior).toMatchObject({ status: "RUNNING", budget: "1000.5", archived_at: null });
    expect(behavior.rules[0]!.effects[0]).toMatchObject({ amount: "2.5" });
    const punch = await client.campaigns.create.mutate({
      type: "PUNCH_CARDS",
      name: "Ten coffees",
      attributes: { trigger: "PURCHASE", punches: 10 },
      rules,
    });
    expect(punch.attributes).toMatchObject({ punches: 10, trigger: "PURCHASE" });
    const referral = await client.campaigns.create.mutate({
      type: "REFERRALS",
      name: "Bring a friend",
      rules,
      referee_rules_json: rules,
    });
    expect(referral.referee_rules?.[0]?.effects[0]).toMatchObject({ amount: "2.5" });
    const coupons = await client.campaigns.create.mutate({
      type: "COUPONS",
      name: "Codes",
      rules,
      quantity: 3,
      code_format: { length: 6, prefix: "SPRING-" },
    });
    const codes = await client.couponCodes.list.query({ campaign_id: coupons.id });
    expect(codes.items).toHaveLength(3);
    for (const c of codes.items) expect(c.code).toMatch(/^SPRING-[2-9A-HJ-NP-Z]{6}$/);
    const page = await client.campaigns.list.query({ type: "COUPONS" });
    expect(page.items.map((c) => c.id)).toEqual([coupons.id]);
  });

  it("pause, resume and archive; a started campaign keeps REST's frozen fields", async () => {
    const { client, rules, reward } = await setup();
    const id = randomUUID();
    const write = {
      type: "BEHAVIOR" as const,
      name: "Visits",
      attributes: { trigger: "VISIT" as const },
      rules,
    };
    const created = await client.campaigns.create.mutate({ id, ...write });
    expect(await client.campaigns.create.mutate({ id, ...write })).toEqual(created);
    expect((await client.campaigns.pause.mutate({ id })).status).toBe("PAUSED");
    expect((await client.campaigns.pause.mutate({ id })).status).toBe("PAUSED");
    expect((await client.campaigns.resume.mutate({ id })).status).toBe("RUNNING");
    const renamed = await client.campaigns.update.mutate({ id, ...write, name: "Visits!" });
    expect(renamed.name).toBe("Visits!");
    await expectTallyError(
      client.campaigns.update.mutate({
        id,
        ...write,
        rules: [{ conditions: [], effects: [{ reward_id: reward.id, amount: "3" }] }],
      }),
      "CONFLICT",
      "rules: cannot change once the campaign has started",
    );
    const archived = await client.campaigns.archive.mutate({ id });
    expect(archived).toMatchObject({ status: "FINISHED" });
    expect(archived.archived_at).not.toBeNull();
    await expectTallyError(
      client.campaigns.resume.mutate({ id }),
      "CONFLICT",
      `id: campaign ${id} is archived and can no longer change`,
    );
    await expectTallyError(client.campaigns.update.mutate({ id, ...write }), "CONFLICT");
    expect((await client.campaigns.list.query({ archived: true })).items.map((c) => c.id)).toEqual([
      id,
    ]);
  });

  it("validation keeps REST's sentences; another account's campaign is NOT_FOUND", async () => {
    const a = await setup();
    const b = await setup();
    await expectTallyError(
      a.client.campaigns.create.mutate({ type: "BEHAVIOR", name: "No trigger", rules: a.rules }),
      "VALIDATION_FAILED",
      "attributes.trigger: is required for BEHAVIOR campaigns",
    );
    await expectTallyError(
      a.client.campaigns.create.mutate({
        type: "BEHAVIOR",
        name: "Bad amount",
        attributes: { trigger: "VISIT" },
        rules: [{ conditions: [], effects: [{ reward_id: a.reward.id, amount: "-1" }] }],
      }),
      "VALIDATION_FAILED",
      /^rules\[0\]\.effects\[0\]\.amount: must be a decimal string/,
    );
    const theirs = await b.client.campaigns.create.mutate({
      type: "BEHAVIOR",
      name: "Theirs",
      attributes: { trigger: "VISIT" },
      rules: b.rules,
    });
    await expectTallyError(a.client.campaigns.pause.mutate({ id: theirs.id }), "NOT_FOUND");
    await expectTallyError(
      a.client.campaigns.get.query({ id: theirs.id }),
      "NOT_FOUND",
      `campaign "${theirs.id}" not found`,
    );
    // Naming another account's reward is a 404 too.
    await expectTallyError(
      a.client.campaigns.create.mutate({
        type: "BEHAVIOR",
        name: "Borrowed",
        attributes: { trigger: "VISIT" },
        rules: b.rules,
      }),
      "NOT_FOUND",
      `rules[0].effects[0].reward_id: reward ${b.reward.id} not found`,
    );
  });
});
