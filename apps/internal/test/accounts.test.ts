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
    const got = await client.accounts.get.query({ account_id: created.id });
    expect(got).toEqual(created);
    const updated = await client.accounts.update.mutate({
      account_id: created.id,
      timezone: "Europe/Madrid",
      tier_period: "quarterly",
      device_token_ttl: 30,
    });
    expect(updated).toMatchObject({
      timezone: "Europe/Madrid",
      tier_period: "quarterly",
      device_token_ttl: 30,
    });
  });

  it("an operator token must name the account", async () => {
    await expectTallyError(
      h.client(h.operatorToken).accounts.get.query({}),
      "VALIDATION_FAILED",
      "account_id: is required with an operator-wide token",
    );
  });

  it("a call without a valid token is UNAUTHORIZED", async () => {
    await expectTallyError(h.client("nope").accounts.get.query({}), "UNAUTHORIZED");
  });
});
