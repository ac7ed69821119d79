import type { Db } from "@tally/db";
import { drainJobs } from "@tally/jobs";
import { auditLedger, auditQueries, type LedgerMismatch } from "@tally/service";
import { CompiledQuery, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { purchase, type Tenant, useTestApp } from "./helpers.ts";
import { spendingFixtures } from "./spending-fixtures.ts";

const ctx = useTestApp();
const { withPoints, emit, redeeming } = spendingFixtures(ctx);

/** POSTs a migrate batch and runs the queue; the job must succeed. */
async function migrate(tenant: Tenant, path: string, body: unknown) {
  const res = await tenant.server.post(`/customers/migrate${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
  const job = await tenant.server.get(`/migrations/${res.body.data.id}`).expect(200);
  expect(job.body.data.status, JSON.stringify(job.body.data)).toBe("SUCCEEDED");
}

/**
 * A tenant with every shape the audit meets. Its customer earned lots of 100 and 50 points
 * and holds 30 of the first for a pending purchase. Customer "m" was migrated with opening
 * balances of 100 points and 40 stars, then with the history of its points (rows naming no
 * lot, replacing the points' opening transaction), and has earned 20 points since.
 */
async function everyShape() {
  const { tenant, customerId, rewardId: points } = await withPoints(100);
  await emit(tenant, purchase(customerId, 50));
  await emit(tenant, redeeming(customerId, 50, points, 30, { fulfilled: false }));
  const res = await tenant.server.post("/rewards", {
    name: "Stars",
    type: "POINTS",
    attributes: { conversion_factor: 1 },
  });
  expect(res.status).toBe(201);
  const stars = res.body.data.id as string;
  const balance = [
    { reward_id: points, amount: 100 },
    { reward_id: stars, amount: 40 },
  ];
  await migrate(tenant, "", { customers: [{ id: "m", balance }] });
  const history = [
    { reward_id: points, type: "ACCUMULATION", amount: 130, issued_at: "2024-01-01T00:00:00Z" },
    { reward_id: points, type: "REDEMPTION", amount: -30, issued_at: "2024-02-01T00:00:00Z" },
  ];
  await migrate(tenant, "/transactions", { customers: [{ id: "m", transactions: history }] });
  await emit(tenant, purchase("m", 20));
  const lots = await ctx.t.db
    .selectFrom("wallet_lines as l")
    .innerJoin("wallets as w", (j) =>
      j.onRef("w.account_id", "=", "l.account_id").onRef("w.id", "=", "l.wallet_id"),
    )
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .select(["l.id", "c.id as customer", "c.uuid", "l.reward_id", "l.amount"])
    .where("l.account_id", "=", tenant.accountId)
    .execute();
  const lot = (customer: string, reward: string, amount: number) => {
    const found = lots.filter(
      (l) => l.customer === customer && l.reward_id === reward && Number(l.amount) === amount,
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return {
    accountId: tenant.accountId,
    points,
    stars,
    /** The customer's lots of 100 (30 of it held) and of 50. */
    held: lot(customerId, points, 100),
    second: lot(customerId, points, 50),
    /** Customer "m": the opening lots of points and stars, and the points earned since. */
    opening: lot("m", points, 100),
    openingStars: lot("m", stars, 40),
    since: lot("m", points, 20),
  };
}

type Shape = Awaited<ReturnType<typeof everyShape>>;

const rollback = new Error("rolled back");

/**
 * Runs `damage`, then `audit`, in a transaction that is rolled back: the ledger is broken
 * only there. The database refuses two of the broken states (a negative remaining, more
 * reserved than remains); the audit is for when it did not, so those checks go too.
 */
async function whenDamaged<T>(
  damage: (trx: Db) => Promise<unknown>,
  audit: (trx: Db) => Promise<T>,
) {
  let out!: T;
  await ctx.t.db
    .transaction()
    .execute(async (trx) => {
      await sql`alter table wallet_lines drop constraint wallet_lines_remaining_check,
                drop constraint wallet_lines_check`.execute(trx);
      await damage(trx);
      out = await audit(trx);
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
  return out;
}

const auditOf = (s: Shape) => (trx: Db) => auditLedger(trx, s.accountId);

/** Adds `delta` to a lot's remaining and `reserved` to its reserved. */
const shift = (trx: Db, s: Shape, lineId: string, delta: number, reserved = 0) =>
  trx
    .updateTable("wallet_lines")
    .set((eb) => ({
      remaining: eb("remaining", "+", String(delta)),
      reserved: eb("reserved", "+", String(reserved)),
    }))
    .where("account_id", "=", s.accountId)
    .where("id", "=", lineId)
    .execute();

const rewardFinding = (
  s: Shape,
  l: Shape["held"],
  ledger: string,
  lines: string,
): LedgerMismatch => ({
  kind: "reward",
  account_id: s.accountId,
  customer_uuid: l.uuid,
  reward_id: l.reward_id,
  ledger,
  lines,
});

const lotFinding = (
  s: Shape,
  l: Shape["held"],
  figures: { ledger: string; remaining: string; reserved?: string; held?: string },
): LedgerMismatch => ({
  kind: "lot",
  account_id: s.accountId,
  customer_uuid: l.uuid,
  reward_id: l.reward_id,
  line_id: l.id,
  reserved: "0",
  held: "0",
  ...figures,
});

/** One finding of every kind in `s`, answering them: 2 rewards and 4 lots. */
async function damageEveryKind(trx: Db, s: Shape) {
  await shift(trx, s, s.second.id, 7);
  await shift(trx, s, s.opening.id, 5);
  await shift(trx, s, s.since.id, -80);
  await trx
    .updateTable("reservations")
    .set({ status: "RELEASED" })
    .where("account_id", "=", s.accountId)
    .where("line_id", "=", s.held.id)
    .execute();
  await shift(trx, s, s.openingStars.id, 0, 45);
  return [
    rewardFinding(s, s.second, "150", "157"),
    rewardFinding(s, s.opening, "120", "45"),
    lotFinding(s, s.second, { ledger: "50", remaining: "57" }),
    // Below zero: reported though its reward has a migrated history.
    lotFinding(s, s.since, { ledger: "20", remaining: "-60" }),
    lotFinding(s, s.held, { ledger: "100", remaining: "100", reserved: "30", held: "0" }),
    lotFinding(s, s.openingStars, { ledger: "40", remaining: "40", reserved: "45", held: "0" }),
  ];
}

/** Findings in a fixed order, to compare them as sets. */
const asSet = (findings: LedgerMismatch[]) => {
  const key = (f: LedgerMismatch) =>
    [f.kind, f.account_id, f.customer_uuid, f.reward_id, f.kind === "lot" ? f.line_id : ""].join();
  return [...findings].sort((a, b) => key(a).localeCompare(key(b)));
};

/** The scans of tables in a plan (format json), with their conditions. */
function scans(node: Record<string, unknown>): { table: string; conditions: string }[] {
  const own =
    typeof node["Relation Name"] === "string"
      ? [
          {
            table: node["Relation Name"],
            conditions: ["Index Cond", "Recheck Cond", "Filter"]
              .map((k) => node[k] ?? "")
              .join(" "),
          },
        ]
      : [];
  const children = (node.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...children.flatMap(scans)];
}

describe("ledger audit", () => {
  it("finds nothing in a healthy ledger, where a migrated customer's lots differ from the transactions naming them", async () => {
    const s = await everyShape();
    // The opening lot's own transactions (the opening and the row replacing it) sum to 0.
    const named = await ctx.t.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.sum<string>("amount").as("total"))
      .where("account_id", "=", s.accountId)
      .where("line_id", "=", s.opening.id)
      .executeTakeFirstOrThrow();
    expect(Number(named.total)).toBe(0);
    expect(await auditLedger(ctx.t.db, s.accountId)).toEqual([]);
  });

  it("reports a reward whose lots do not add up to its transactions, and the lot that is off", async () => {
    const s = await everyShape();
    expect(await whenDamaged((trx) => shift(trx, s, s.second.id, 7), auditOf(s))).toEqual([
      rewardFinding(s, s.second, "150", "157"),
      lotFinding(s, s.second, { ledger: "50", remaining: "57" }),
    ]);
  });

  it("reports units credited to the wrong lot, though the customer's reward still adds up", async () => {
    const s = await everyShape();
    const found = await whenDamaged(async (trx) => {
      await shift(trx, s, s.held.id, -10);
      await shift(trx, s, s.second.id, 10);
    }, auditOf(s));
    expect(asSet(found)).toEqual(
      asSet([
        lotFinding(s, s.held, { ledger: "100", remaining: "90", reserved: "30", held: "30" }),
        lotFinding(s, s.second, { ledger: "50", remaining: "60" }),
      ]),
    );
  });

  it("reports a lot below zero even where the transactions naming it agree", async () => {
    const s = await everyShape();
    const found = await whenDamaged(async (trx) => {
      // A redemption of 60 from the lot of 50, recorded on both sides.
      await sql`insert into transactions (account_id, id, wallet_id, customer_uuid, reward_id,
                  line_id, reward_type, type, amount, issued_at)
                select account_id, gen_random_uuid(), wallet_id, customer_uuid, reward_id,
                  line_id, reward_type, 'REDEMPTION', -60, issued_at
                from transactions where account_id = ${s.accountId} and line_id = ${s.second.id}`.execute(
        trx,
      );
      await shift(trx, s, s.second.id, -60);
    }, auditOf(s));
    expect(found).toEqual([lotFinding(s, s.second, { ledger: "-10", remaining: "-10" })]);
  });

  it("reports a lot still reserved for a hold that was released", async () => {
    const s = await everyShape();
    const found = await whenDamaged(
      (trx) =>
        trx
          .updateTable("reservations")
          .set({ status: "RELEASED" })
          .where("account_id", "=", s.accountId)
          .where("line_id", "=", s.held.id)
          .execute(),
      auditOf(s),
    );
    expect(found).toEqual([
      lotFinding(s, s.held, { ledger: "100", remaining: "100", reserved: "30", held: "0" }),
    ]);
  });

  it("reports a lot holding more than remains, though its holds agree", async () => {
    const s = await everyShape();
    const found = await whenDamaged(async (trx) => {
      await shift(trx, s, s.held.id, 0, 75);
      await trx
        .updateTable("reservations")
        .set({ amount: "105" })
        .where("account_id", "=", s.accountId)
        .where("line_id", "=", s.held.id)
        .execute();
    }, auditOf(s));
    expect(found).toEqual([
      lotFinding(s, s.held, { ledger: "100", remaining: "100", reserved: "105", held: "105" }),
    ]);
  });

  it("does not report the lots of a reward with a migrated history (its rows name no lot), but counts the reward's total and checks the customer's other rewards' lots", async () => {
    const s = await everyShape();
    // Units moved between the lots of the migrated points: nothing to see.
    const moved = await whenDamaged(async (trx) => {
      await shift(trx, s, s.opening.id, -10);
      await shift(trx, s, s.since.id, 10);
    }, auditOf(s));
    expect(moved).toEqual([]);
    // Points that were never earned: the reward's total, not a lot.
    expect(await whenDamaged((trx) => shift(trx, s, s.opening.id, 7), auditOf(s))).toEqual([
      rewardFinding(s, s.opening, "120", "127"),
    ]);
    // The stars have no migrated history: their lot is checked against its transactions.
    expect(await whenDamaged((trx) => shift(trx, s, s.openingStars.id, 3), auditOf(s))).toEqual([
      rewardFinding(s, s.openingStars, "40", "43"),
      lotFinding(s, s.openingStars, { ledger: "40", remaining: "43" }),
    ]);
  });

  it("scoped to an account reports only that account's findings, the same the whole audit reports for it", async () => {
    const [a, b] = [await everyShape(), await everyShape()];
    const expected: LedgerMismatch[][] = [];
    const found = await whenDamaged(
      async (trx) => {
        expected.push(await damageEveryKind(trx, a), await damageEveryKind(trx, b));
      },
      async (trx) => ({
        whole: await auditLedger(trx),
        a: await auditLedger(trx, a.accountId),
        b: await auditLedger(trx, b.accountId),
      }),
    );
    expect(asSet(found.a)).toEqual(asSet(expected[0]!));
    expect(asSet(found.b)).toEqual(asSet(expected[1]!));
    // The other tests' tenants are healthy: the whole audit finds exactly these, in order.
    expect(found.whole).toHaveLength(12);
    for (const [s, scoped] of [
      [a, found.a],
      [b, found.b],
    ] as const)
      expect(scoped).toEqual(found.whole.filter((f) => f.account_id === s.accountId));
  });

  it("scoped to an account reads only that account's rows: every scan of every table is filtered by it", async () => {
    const s = await everyShape();
    const q = auditQueries(s.accountId);
    for (const query of [q.rewards, q.lots]) {
      const { sql: text, parameters } = query.compile(ctx.t.db);
      const { rows } = await ctx.t.db.executeQuery<{ "QUERY PLAN": unknown }>(
        CompiledQuery.raw(`explain (format json) ${text}`, [...parameters]),
      );
      const raw = rows[0]!["QUERY PLAN"];
      const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
        Plan: Record<string, unknown>;
      }[];
      const found = scans(plan[0]!.Plan);
      expect(new Set(found.map((f) => f.table))).toEqual(
        new Set(
          query === q.rewards
            ? ["transactions", "wallet_lines", "wallets"]
            : ["transactions", "wallet_lines", "wallets", "reservations"],
        ),
      );
      // The account's id, or (inside a join driven by filtered rows) the other side's account.
      for (const f of found)
        expect(f.conditions, JSON.stringify(plan)).toMatch(
          new RegExp(`account_id = ('${s.accountId}'::uuid|\\$\\d+|\\w+\\.account_id)`),
        );
    }
  });
});
