import { createApiKey, issueToken } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

describe("auth of the internal API", () => {
  it("a call without a token is UNAUTHORIZED, with the HTTP status 401", async () => {
    const res = await fetch(`${h.url}/accounts.get?input=${encodeURIComponent("{}")}`);
    expect(res.status).toBe(401);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { error: { data: unknown } };
    expect(body.error.data).toMatchObject({
      error: "UNAUTHORIZED",
      details: "header Authorization: Bearer <service token> is required",
    });
  });

  it("a wrong token is UNAUTHORIZED", async () => {
    await expectTallyError(
      h.client("tly_not-a-token").accounts.get.query({}),
      "UNAUTHORIZED",
      "token is not a valid service token",
    );
  });

  it("a revoked token stops working at once", async () => {
    const { client } = await h.newAccount();
    const made = await client.serviceTokens.create.mutate({ name: "short-lived" });
    const doomed = h.client(made.token);
    await doomed.accounts.get.query({});
    await client.serviceTokens.revoke.mutate({ id: made.id });
    await expectTallyError(doomed.accounts.get.query({}), "UNAUTHORIZED");
  });

  it("a storefront API key, or its JWT, is no token here", async () => {
    const { accountId } = await h.newAccount();
    const { key } = await createApiKey(h.t.db, { accountId, kind: "SERVER" });
    await expectTallyError(h.client(key).accounts.get.query({}), "UNAUTHORIZED");
    const jwt = await issueToken({
      db: h.t.db,
      secret: new Uint8Array(32),
      apiKey: key,
      now: new Date(),
    });
    await expectTallyError(h.client(jwt).accounts.get.query({}), "UNAUTHORIZED");
  });

  it("a NUL character in any input string is VALIDATION_FAILED naming its path", async () => {
    const { client } = await h.newAccount();
    await expectTallyError(
      client.brands.create.mutate({ id: "0001", name: "a\u0000b" }),
      "VALIDATION_FAILED",
      "name: must not contain NUL characters",
    );
  });

  it("an unknown procedure is NOT_FOUND", async () => {
    const res = await fetch(`${h.url}/nope.nothing`, {
      headers: { authorization: `Bearer ${h.operatorToken}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { data: unknown } }).error.data).toMatchObject({
      error: "NOT_FOUND",
    });
  });
});
