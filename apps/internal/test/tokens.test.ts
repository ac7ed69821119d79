import { randomUUID } from "node:crypto";
import { issueToken } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

describe("service tokens", () => {
  it("create shows the secret once; list shows no secret; revoke is answered again unchanged", async () => {
    const { accountId, client } = await h.newAccount();
    const made = await client.serviceTokens.create.mutate({ name: "billing" });
    expect(made).toMatchObject({ account_id: accountId, name: "billing", revoked_at: null });
    expect(made.token).toMatch(/^tly_[A-Za-z0-9_-]{43}$/);
    const page = await client.serviceTokens.list.query({});
    const listed = page.items.find((t) => t.id === made.id);
    expect(listed).toEqual({ ...made, token: undefined, revoked_at: null });
    expect(JSON.stringify(page)).not.toContain(made.token);
    const revoked = await client.serviceTokens.revoke.mutate({ id: made.id });
    expect(revoked.revoked_at).not.toBeNull();
    expect(await client.serviceTokens.revoke.mutate({ id: made.id })).toEqual(revoked);
  });

  it("a create retried with its id is a CONFLICT, never a second token", async () => {
    const { client } = await h.newAccount();
    const id = randomUUID();
    await client.serviceTokens.create.mutate({ id, name: "once" });
    await expectTallyError(
      client.serviceTokens.create.mutate({ id, name: "once" }),
      "CONFLICT",
      `id: service token "${id}" already exists (its secret was shown when it was created)`,
    );
    expect(
      (await client.serviceTokens.list.query({})).items.filter((t) => t.id === id),
    ).toHaveLength(1);
  });

  it("another account's token is a 404 to revoke and absent from lists", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    const theirs = await a.client.serviceTokens.create.mutate({ name: "a's" });
    await expectTallyError(
      b.client.serviceTokens.revoke.mutate({ id: theirs.id }),
      "NOT_FOUND",
      `service token "${theirs.id}" not found`,
    );
    expect((await b.client.serviceTokens.list.query({})).items.map((t) => t.id)).not.toContain(
      theirs.id,
    );
  });

  it("a bad id is VALIDATION_FAILED", async () => {
    const { client } = await h.newAccount();
    await expectTallyError(
      client.serviceTokens.revoke.mutate({ id: "x" }),
      "VALIDATION_FAILED",
      /^id: /,
    );
  });

  it("operator tokens: only an operator makes, lists and revokes them", async () => {
    const operator = h.client(h.operatorToken);
    const made = await operator.operatorTokens.create.mutate({ name: "ops" });
    expect(made.account_id).toBeNull();
    const page = await operator.operatorTokens.list.query({ limit: 1000 });
    expect(page.items.map((t) => t.id)).toContain(made.id);
    const { client } = await h.newAccount();
    await expectTallyError(client.operatorTokens.list.query({}), "FORBIDDEN");
    await expectTallyError(client.operatorTokens.revoke.mutate({ id: made.id }), "FORBIDDEN");
    await operator.operatorTokens.revoke.mutate({ id: made.id });
    await expectTallyError(h.client(made.token).accounts.get.query({}), "UNAUTHORIZED");
  });
});

describe("API keys", () => {
  it("create shows the key once, it works on the storefront, revoke stops it", async () => {
    const { client, accountId } = await h.newAccount();
    const made = await client.apiKeys.create.mutate({ kind: "CLIENT", name: "web" });
    expect(made).toMatchObject({ kind: "CLIENT", name: "web", revoked_at: null });
    const secret = new Uint8Array(32);
    const jwt = await issueToken({ db: h.t.db, secret, apiKey: made.key, now: new Date() });
    expect(jwt.split(".")).toHaveLength(3);
    const listed = (await client.apiKeys.list.query({})).items;
    expect(listed).toEqual([{ ...made, key: undefined }]);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    const revoked = await client.apiKeys.revoke.mutate({ id: made.id });
    expect(revoked.revoked_at).not.toBeNull();
    await expect(
      issueToken({ db: h.t.db, secret, apiKey: made.key, now: new Date() }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    void accountId;
  });

  it("a bad kind is VALIDATION_FAILED; another account's key is a 404", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    await expectTallyError(
      a.client.apiKeys.create.mutate({ kind: "ADMIN" as "SERVER" }),
      "VALIDATION_FAILED",
      /^kind: /,
    );
    const key = await a.client.apiKeys.create.mutate({ kind: "SERVER" });
    await expectTallyError(b.client.apiKeys.revoke.mutate({ id: key.id }), "NOT_FOUND");
  });
});
