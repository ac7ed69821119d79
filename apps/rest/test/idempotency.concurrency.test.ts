import { waitForLockWaiters } from "@tally/db/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { newCustomer, newTenant, onPostgres, pointsProgram, useServedApp } from "./helpers.ts";

describe.skipIf(!onPostgres)(
  "Idempotency-Key: a slow request is not run twice (PostgreSQL)",
  () => {
    // Claims renewed every 50 ms instead of 15 s, so the test need not wait a minute.
    const ctx = useServedApp(10, { claimRenewMs: 50 });

    it("a retry a minute later, while the first request still waits on a lock, is a 409 with no second effect", async () => {
      const tenant = await newTenant(ctx);
      await pointsProgram(tenant, { perUnit: 5, extra: { attributes: { trigger: "VISIT" } } });
      const customerId = await newCustomer(tenant);
      const body = JSON.stringify({ customer_id: customerId, brand_id: "0001", type: "VISIT" });
      const send = () =>
        fetch(`${ctx.base}/behavior/events`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${tenant.server.token}`,
            "content-type": "application/json",
            "idempotency-key": "visit-1",
          },
          body,
        });
      // Something else (a long migration batch, a slow event) holds the customer's lock.
      const holder = ctx.t.connect(1);
      try {
        await holder.connection().execute(async (conn) => {
          await sql`begin`.execute(conn);
          await sql`select 1 from customers where account_id = ${tenant.accountId}::uuid
          and id = ${customerId} for update`.execute(conn);
          const first = send(); // claims the key, then waits for the lock
          await waitForLockWaiters(ctx.t.db, 1);
          // A minute passes (the client timed out); the waiting request keeps renewing its claim.
          ctx.clock.advance(61_000);
          await new Promise((r) => setTimeout(r, 300));
          const second = await send();
          expect(second.status).toBe(409);
          expect(((await second.json()) as { details: string }).details).toMatch(
            /still being processed/,
          );
          await sql`commit`.execute(conn);
          expect((await first).status).toBe(201);
        });
      } finally {
        await holder.destroy();
        ctx.clock.advance(-61_000);
      }
      const visits = await ctx.t.db
        .selectFrom("events")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("account_id", "=", tenant.accountId)
        .where("type", "=", "VISIT")
        .executeTakeFirstOrThrow();
      expect(Number(visits.n)).toBe(1);
      // Once answered, the same request is replayed.
      const replay = await send();
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
    });
  },
);
