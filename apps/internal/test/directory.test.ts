import { ZRewardInsertSchema } from "@tally/schemas";
import { createReward } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

describe.each(["brands", "stores", "channels"] as const)("%s", (kind) => {
  const noun = kind.slice(0, -1);

  it("create, rename, list by cursor and delete", async () => {
    const { client } = await h.newAccount();
    const router = client[kind];
    const made = await router.create.mutate({ id: "0001", name: "First" });
    expect(made).toMatchObject({ id: "0001", name: "First" });
    await router.create.mutate({ id: "0002", name: "Second" });
    await router.create.mutate({ id: "0003", name: "Third" });
    expect(await router.update.mutate({ id: "0002", name: "Renamed" })).toMatchObject({
      id: "0002",
      name: "Renamed",
    });
    const first = await router.list.query({ limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual(["0001", "0002"]);
    expect(first.next_cursor).toBe("0002");
    const rest = await router.list.query({ limit: 2, cursor: first.next_cursor! });
    expect(rest).toMatchObject({ items: [{ id: "0003", name: "Third" }], next_cursor: null });
    expect(await router.delete.mutate({ id: "0003" })).toEqual({ id: "0003", deleted: true });
    await expectTallyError(
      router.delete.mutate({ id: "0003" }),
      "NOT_FOUND",
      `${noun} "0003" not found`,
    );
  });

  it("a create retried answers the entry; the same id with another name is a CONFLICT", async () => {
    const { client } = await h.newAccount();
    const made = await client[kind].create.mutate({ id: "X", name: "Name" });
    expect(await client[kind].create.mutate({ id: "X", name: "Name" })).toEqual(made);
    await expectTallyError(
      client[kind].create.mutate({ id: "X", name: "Other" }),
      "CONFLICT",
      `id: ${noun} "X" already exists with another name`,
    );
  });

  it("an empty name is VALIDATION_FAILED", async () => {
    const { client } = await h.newAccount();
    await expectTallyError(
      client[kind].create.mutate({ id: "1", name: " " }),
      "VALIDATION_FAILED",
      /^name: /,
    );
  });

  it("another account's entry is a 404", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    await a.client[kind].create.mutate({ id: "mine", name: "Mine" });
    await expectTallyError(
      b.client[kind].update.mutate({ id: "mine", name: "Theirs" }),
      "NOT_FOUND",
      `${noun} "mine" not found`,
    );
    await expectTallyError(b.client[kind].delete.mutate({ id: "mine" }), "NOT_FOUND");
    expect((await b.client[kind].list.query({})).items).toEqual([]);
  });
});

describe("caps and uses", () => {
  it("an account has at most 50 channels", async () => {
    const { client } = await h.newAccount();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.channels.create.mutate({ id: `c${i}`, name: `Channel ${i}` }),
      ),
    );
    await expectTallyError(
      client.channels.create.mutate({ id: "c50", name: "One too many" }),
      "LIMIT_REACHED",
      "an account has at most 50 channels",
    );
    // A retry of one that exists still answers it.
    expect(await client.channels.create.mutate({ id: "c7", name: "Channel 7" })).toMatchObject({
      id: "c7",
    });
  });

  it("a brand a reward names cannot be deleted", async () => {
    const { accountId, client } = await h.newAccount();
    await client.brands.create.mutate({ id: "B", name: "Brand" });
    await createReward(
      h.deps,
      accountId,
      ZRewardInsertSchema.parse({
        name: "Points",
        type: "POINTS",
        brand_id: "B",
        attributes: { conversion_factor: 0.1 },
      }),
    );
    await expectTallyError(
      client.brands.delete.mutate({ id: "B" }),
      "CONFLICT",
      'brand "B" is in use (rewards name it) and cannot be deleted',
    );
  });
});
