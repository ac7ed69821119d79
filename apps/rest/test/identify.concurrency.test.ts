import { holdLocks, waitForLockWaiters } from "@tally/db/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  onPostgres,
  pointsProgram,
  purchase,
  useServedApp,
} from "./helpers.ts";

describe.skipIf(!onPostgres)(
  "fulfil and reverse racing identification under a new id (PostgreSQL)",
  () => {
    const ctx = useServedApp(4);

    it("reversing an event while its anonymous customer is identified under a new id reverses it (not 404)", async () => {
      const tenant = await newTenant(ctx);
      await pointsProgram(tenant);
      const anon = await newCustomer(tenant, undefined, { is_anonymous: true, email: undefined });
      const emitted = await tenant.server.post("/behavior/events", purchase(anon, 100));
      expect(emitted.status, JSON.stringify(emitted.body)).toBe(201);
      const eventId = emitted.body.data.id as string;
      const { uuid } = await ctx.t.db
        .selectFrom("customers")
        .select("uuid")
        .where("account_id", "=", tenant.accountId)
        .where("id", "=", anon)
        .executeTakeFirstOrThrow();

      // The identify request (PATCH /customers/{id}/identify/anonymous {new_id}) as it runs under
      // the customer's lock: lockCustomer, then its update of the id.
      const identify = await holdLocks(
        ctx.t.db,
        (trx) =>
          sql`select 1 from wallets w join customers c on c.account_id = w.account_id and c.uuid = w.customer_uuid
          where c.account_id = ${tenant.accountId} and c.uuid = ${uuid} for update of w, c`.execute(
            trx,
          ),
        (trx) =>
          sql`update customers set id = 'known-1', is_anonymous = false, updated_at = now()
          where account_id = ${tenant.accountId} and uuid = ${uuid}`.execute(trx),
      );
      const reverse = fetch(`${ctx.base}/behavior/events/${eventId}/reverse`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tenant.server.token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ reason: "returned" }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { data: { status: string } },
      }));
      await waitForLockWaiters(ctx.t.db, 1);
      await identify.release();
      const res = await reverse;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.status).toBe("REVERSED");
    }, 60_000);
  },
);
