// An adjustment through the internal API racing a redemption event through REST, on one wallet.
// Here rather than in apps/internal: an app never imports another, and this app hosts both APIs.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import { createTallyClient } from "@tally/client";
import { auditLedger, createServiceToken } from "@tally/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  onPostgres,
  pointsProgram,
  purchase,
  useServedApp,
} from "./helpers.ts";

describe.skipIf(!onPostgres)("internal adjustments racing REST redemptions (PostgreSQL)", () => {
  const ctx = useServedApp(8);
  let internal: Server;
  let url: string;
  beforeAll(async () => {
    internal = createServer(
      createInternalHandler({ db: ctx.t.connect(8), now: ctx.clock.now, logger: console }),
    );
    await new Promise<void>((r) => internal.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(internal.address() as AddressInfo).port}${INTERNAL_PATH}`;
  });
  afterAll(async () => {
    internal.closeAllConnections();
    await new Promise((r) => internal.close(r));
  });

  it("debits and redemptions on one wallet keep the ledger invariant and never overdraw", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant, { perUnit: 1 });
    const id = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(id, 100)).expect(201);
    const { token } = await createServiceToken(ctx.t.db, {
      accountId: tenant.accountId,
      name: "race",
    });
    // supertest: each call its own HTTP request to the REST app (its pool of connections).
    const rest = (n: number) =>
      tenant.server.post(
        "/behavior/events",
        purchase(id, 50, { order: { redeem: [{ id: rewardId, amount: n }] } }),
      );
    const adjust = () =>
      createTallyClient({ url, token }).customers.adjust.mutate({
        id: randomUUID(),
        customer_id: id,
        reward_id: rewardId,
        direction: "DEBIT",
        amount: "10",
        reason: "race",
        actor: "test",
      });
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 6 }, () => adjust()),
      ...Array.from({ length: 6 }, () =>
        rest(10).then((r) => (r.status === 201 ? r : Promise.reject(r.status))),
      ),
    ]);
    // Each call either spent or was refused for want of balance: nothing else, nothing half-done.
    for (const o of outcomes)
      if (o.status === "rejected")
        expect(String(o.reason)).toMatch(/^422$|INSUFFICIENT_BALANCE|the wallet holds/);
    expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    expect(await auditLedger(ctx.t.db, tenant.accountId)).toEqual([]);
    const got = await tenant.server.get(`/customers/${id}`).expect(200);
    for (const t of got.body.data.wallet.totals) expect(t.total).toBeGreaterThanOrEqual(0);
  });
});
