import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

describe("accounts", () => {
  it("an operator creates an account, reads it and changes its settings", async () => {
    const client = h.client(h.operatorToken);
    const created = await client.accounts.create.mutate({ name: "Acme" });
    expect(created).toMatchObject({
      name: "Acme",
      timezone: "UTC",
      tier_period: "monthly",
      device_token_ttl: null,
    });
    expect(await client.accounts.get.query({ account_id: created.id })).toEqual(created);
    const updated = await client.accounts.update.mutate({
      account_id: created.id,
      timezone: "Europe/Madrid",
      tier_period: "quarterly",
      device_token_ttl: 30,
    });
    expect(updated).toEqual({
      ...created,
      timezone: "Europe/Madrid",
      tier_period: "quarterly",
      device_token_ttl: 30,
    });
    // A setting left out stays; null clears the device token life.
    const cleared = await client.accounts.update.mutate({
      account_id: created.id,
      device_token_ttl: null,
    });
    expect(cleared).toMatchObject({ timezone: "Europe/Madrid", device_token_ttl: null });
  });

  it("CORS origins and rate limits are account settings, validated like the others", async () => {
    const client = h.client(h.operatorToken);
    const created = await client.accounts.create.mutate({ name: "Shop" });
    expect(created).toMatchObject({
      cors_origins: [],
      rate_limit_client_per_minute: 600,
      rate_limit_server_per_minute: null,
    });
    const updated = await client.accounts.update.mutate({
      account_id: created.id,
      cors_origins: ["https://shop.example.com"],
      rate_limit_client_per_minute: 1200,
    });
    expect(updated).toMatchObject({
      cors_origins: ["https://shop.example.com"],
      rate_limit_client_per_minute: 1200,
      rate_limit_server_per_minute: null,
    });
    await expectTallyError(
      client.accounts.update.mutate({
        account_id: created.id,
        cors_origins: ["https://shop.example.com/path"],
      }),
      "VALIDATION_FAILED",
    );
    expect(await client.accounts.get.query({ account_id: created.id })).toEqual(updated);
  });

  it("a create retried with its id answers the same account; another name is a CONFLICT", async () => {
    const client = h.client(h.operatorToken);
    const id = randomUUID();
    const first = await client.accounts.create.mutate({
      id,
      name: "Retry",
      timezone: "Asia/Tokyo",
    });
    expect(first).toMatchObject({ id, timezone: "Asia/Tokyo" });
    expect(await client.accounts.create.mutate({ id, name: "Retry" })).toEqual(first);
    await expectTallyError(
      client.accounts.create.mutate({ id, name: "Other" }),
      "CONFLICT",
      `id: account "${id}" already exists with another name`,
    );
  });

  it("bad settings are VALIDATION_FAILED naming each field, and change nothing", async () => {
    const { accountId, client } = await h.newAccount();
    await expectTallyError(
      client.accounts.update.mutate({ timezone: "Mars/Olympus", device_token_ttl: 0 }),
      "VALIDATION_FAILED",
      /^timezone: must be an IANA time zone.*; device_token_ttl: .*>=1/,
    );
    expect(await client.accounts.get.query({ account_id: accountId })).toMatchObject({
      timezone: "UTC",
      device_token_ttl: null,
    });
  });

  it("an account's token reads its own account without naming it, and may not create accounts", async () => {
    const { accountId, client } = await h.newAccount();
    expect((await client.accounts.get.query({})).id).toBe(accountId);
    await expectTallyError(
      client.accounts.create.mutate({ name: "Mine" }),
      "FORBIDDEN",
      "this procedure needs an operator-wide service token",
    );
  });

  it("an account's token naming another account, and a missing account, answer the same 404", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    const other = await expectTallyError(
      a.client.accounts.get.query({ account_id: b.accountId }),
      "NOT_FOUND",
    );
    expect(other.details).toBe(`account_id: account "${b.accountId}" not found`);
    const missing = randomUUID();
    await expectTallyError(
      h.client(h.operatorToken).accounts.update.mutate({ account_id: missing, name: "x" }),
      "NOT_FOUND",
      `account_id: account "${missing}" not found`,
    );
  });

  it("an operator token must name the account", async () => {
    await expectTallyError(
      h.client(h.operatorToken).accounts.get.query({}),
      "VALIDATION_FAILED",
      "account_id: is required with an operator-wide token",
    );
  });
});
