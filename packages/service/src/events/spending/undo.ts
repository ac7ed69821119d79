import type { CustomerMetrics } from "@tally/core";
import { applyPurchaseToMetrics, D, DomainError, dec } from "@tally/core";
import { type Database, json } from "@tally/db";
import type Decimal from "decimal.js";
import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import type { CustomerRow } from "../../customers/index.ts";
import type { EventPayload } from "../../kernel/index.ts";
import { newId } from "../../kernel/index.ts";
import {
  availableOf,
  drawLots,
  expireDueLots,
  type LineRow,
  moveRemaining,
  toLineView,
} from "../../ledger/index.ts";
import type { EventRow } from "../process.ts";
import { paidValue } from "../process.ts";

type Trx = Transaction<Database>;
type TxRow = Selectable<Database["transactions"]>;
type TxInsert = Insertable<Database["transactions"]>;

const ZERO = new D(0);

/** A ledger row undoing (part of) `of` on `line`. */
function undoRow(
  of: TxRow,
  line: LineRow,
  amount: Decimal,
  type: "REVERSAL" | "EXPIRATION",
  now: Date,
): TxInsert {
  return {
    ...of,
    id: newId(),
    line_id: line.id,
    reverses_id: type === "REVERSAL" ? of.id : null,
    type,
    amount: amount.toString(),
    cost:
      type === "REVERSAL"
        ? dec(of.cost).neg().times(amount.abs()).div(dec(of.amount).abs()).toString()
        : "0",
    details:
      type === "REVERSAL"
        ? `Reversal of ${of.type.toLowerCase()} ${of.id}`
        : `Restored lot ${line.id} had expired`,
    issued_at: now,
    created_at: now,
    attributes: { line: toLineView(line, amount.abs().toString()) },
    metadata: of.metadata ?? {},
  };
}

/**
 * Undoes a RESOLVED event under its wallet lock (docs/api-decisions.md#reversal): every REDEMPTION lot is restored
 * (a lot that expired since is restored and expired again, both in the ledger), then every
 * ACCUMULATION is taken back from its own lot; what the customer already spent of it is taken
 * from other lots of the same reward, and if the wallet cannot cover that → 422, nothing
 * changes. The campaigns' budget use and a purchase's metrics are given back too.
 */
export async function undoEvent(
  trx: Trx,
  opts: {
    accountId: string;
    event: EventRow;
    customer: CustomerRow;
    walletId: string;
    now: Date;
    /** Where the event's budget give-backs go; the caller applies them with giveBackBudgets. */
    budgets: BudgetGiveBack[];
  },
): Promise<{ customer: CustomerRow; transactions: TxRow[] }> {
  const { accountId, event, now } = opts;
  // Lots that expired by now are expired first (their holds go with them): what expiry took is
  // then visible as EXPIRATION rows, never taken back twice.
  await expireDueLots(
    trx,
    { account_id: accountId, wallet_id: opts.walletId, customer_uuid: opts.customer.uuid },
    now,
  );
  const own = await trx
    .selectFrom("transactions")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("event_id", "=", event.id)
    .where("type", "in", ["ACCUMULATION", "REDEMPTION", "ADJUSTMENT"])
    .orderBy("id")
    .execute();
  // A manual adjustment's rows undo as what they are: a credit as an accumulation, a debit as a
  // redemption (docs/api-decisions.md#manual-adjustments).
  const spends = own.filter((t) => t.type === "REDEMPTION" || isAdjustment(t, -1));
  const credits = own.filter((t) => t.type === "ACCUMULATION" || isAdjustment(t, 1));
  const records: TxInsert[] = [];
  const lots = async () => {
    const ids = [...new Set(own.flatMap((t) => (t.line_id ? [t.line_id] : [])))];
    if (ids.length === 0) return new Map<string, LineRow>();
    const rows = await trx
      .selectFrom("wallet_lines")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "in", ids)
      .execute();
    return new Map(rows.map((l) => [l.id, l]));
  };

  // 1. Restore the lots the event spent.
  const before = await lots();
  const restored: { lineId: string; delta: Decimal }[] = [];
  for (const t of spends) {
    const line = before.get(t.line_id ?? "");
    if (!line) continue;
    const units = dec(t.amount).neg();
    records.push(undoRow(t, line, units, "REVERSAL", now));
    if (line.expiration_date && line.expiration_date <= now) {
      records.push(undoRow(t, line, units.neg(), "EXPIRATION", now));
    } else {
      restored.push({ lineId: line.id, delta: units });
    }
  }
  await moveRemaining(trx, accountId, restored);

  // 2. Take back what it credited: from its own lots first; the part already spent from other
  // lots of the reward (the part that expired is gone already).
  const after = await lots();
  const expired = await expiredByLine(trx, accountId, [...after.keys()]);
  const taken: { lineId: string; delta: Decimal }[] = [];
  const shortfall = new Map<string, { of: TxRow; amount: Decimal }>();
  for (const t of credits) {
    const line = after.get(t.line_id ?? "");
    if (!line) continue;
    const credited = dec(t.amount);
    const here = D.max(ZERO, D.min(credited, availableOf(line, now)));
    if (here.gt(0)) {
      records.push(undoRow(t, line, here.neg(), "REVERSAL", now));
      taken.push({ lineId: line.id, delta: here.neg() });
      line.remaining = dec(line.remaining).minus(here).toString();
    }
    const gone = credited.minus(here);
    const lapsed = D.min(gone, expired.get(line.id) ?? ZERO);
    const spent = gone.minus(lapsed);
    if (spent.gt(0)) {
      const s = shortfall.get(t.reward_id) ?? { of: t, amount: ZERO };
      shortfall.set(t.reward_id, { of: s.of, amount: s.amount.plus(spent) });
    }
  }
  await moveRemaining(trx, accountId, taken);
  if (shortfall.size > 0) {
    const wants = [...shortfall].map(([reward_id, s]) => ({ reward_id, amount: s.amount }));
    // Any lot of the reward but the event's own credits (already emptied above), including the
    // lots its redemptions were just restored to.
    const credited = credits.flatMap((t) => t.line_id ?? []);
    const draws = await drawLots(trx, {
      accountId,
      walletId: opts.walletId,
      wants,
      now,
      exclude: credited,
    }).catch((error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(
        "INSUFFICIENT_BALANCE",
        `event ${event.id}: the customer already spent what it credited and the wallet cannot cover it (${error.details}); nothing was reversed`,
      );
    });
    for (const d of draws) {
      records.push(
        undoRow(shortfall.get(d.line.reward_id)!.of, d.line, d.amount.neg(), "REVERSAL", now),
      );
    }
    await moveRemaining(
      trx,
      accountId,
      draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
    );
  }
  if (records.length > 0) {
    await trx
      .insertInto("transactions")
      .values(
        records.map((r) => ({ ...r, attributes: json(r.attributes), metadata: json(r.metadata) })),
      )
      .execute();
  }
  opts.budgets.push(...budgetGiveBacks(own.filter((t) => t.type === "ACCUMULATION")));
  return {
    customer: await giveBackMetrics(trx, { ...opts }),
    transactions: records as TxRow[],
  };
}

const isAdjustment = (t: TxRow, sign: 1 | -1) =>
  t.type === "ADJUSTMENT" && dec(t.amount).s === sign;

/** Units of each lot its EXPIRATION transactions took. */
async function expiredByLine(trx: Trx, accountId: string, lineIds: string[]) {
  if (lineIds.length === 0) return new Map<string, Decimal>();
  const rows = await trx
    .selectFrom("transactions")
    .select(["line_id", sql<string>`-sum(amount)`.as("expired")])
    .where("account_id", "=", accountId)
    .where("line_id", "in", lineIds)
    .where("type", "=", "EXPIRATION")
    .groupBy("line_id")
    .execute();
  return new Map(rows.map((r) => [r.line_id as string, dec(r.expired)]));
}

/** A campaign's budget use to give back, in the period its credit was charged to. */
export interface BudgetGiveBack {
  campaignId: string;
  /** The division charged; null on rows recorded before divisions were (any division matches). */
  division: string | null;
  period: string;
  cost: Decimal;
}

/** What an event's ACCUMULATION rows charged to budgets (each row records its period). */
function budgetGiveBacks(accumulations: TxRow[]): BudgetGiveBack[] {
  return accumulations.flatMap((t) => {
    const attributes = t.attributes as {
      budget_period?: string | null;
      budget_division?: string | null;
    } | null;
    const period = attributes?.budget_period;
    const division = attributes?.budget_division ?? null;
    return t.campaign_id && period
      ? [{ campaignId: t.campaign_id, division, period, cost: dec(t.cost) }]
      : [];
  });
}

/**
 * Lowers each campaign's budget use by what a reversal gives back, in ascending campaign id
 * order (the one lock order), once for the whole reversal — a referral's linked REFERRAL event
 * included — so a reversal never takes budget rows in another order than an earner.
 */
export async function giveBackBudgets(trx: Trx, accountId: string, giveBacks: BudgetGiveBack[]) {
  const costs = new Map<string, BudgetGiveBack>();
  for (const g of giveBacks) {
    const key = `${g.campaignId}/${g.division}/${g.period}`;
    const c = costs.get(key);
    costs.set(key, c ? { ...c, cost: c.cost.plus(g.cost) } : g);
  }
  // Keys are `<campaign uuid>/<division>/<period>`: fixed-width ids first, so key order is
  // campaign id order.
  const ordered = [...costs.keys()].sort().map((key) => costs.get(key)!);
  for (const c of ordered) {
    const division = c.division ?? (await legacyDivision(trx, accountId, c));
    if (!division) continue;
    await trx
      .updateTable("campaign_budget_usage")
      .set({ used: sql`greatest(used - ${c.cost.toString()}::numeric, 0)` })
      .where("account_id", "=", accountId)
      .where("campaign_id", "=", c.campaignId)
      .where("division", "=", division as "none")
      .where("period_start", "=", new Date(c.period))
      .execute();
  }
}

/**
 * The one usage row a credit recorded before divisions were gives back to: at the period's
 * start, the row of the campaign's current division if there is one, else any (before the
 * division column every period had a single row, which took the campaign's division then).
 */
async function legacyDivision(trx: Trx, accountId: string, g: BudgetGiveBack) {
  const row = await trx
    .selectFrom("campaign_budget_usage as u")
    .innerJoin("campaigns as c", (j) =>
      j.onRef("c.account_id", "=", "u.account_id").onRef("c.id", "=", "u.campaign_id"),
    )
    .select("u.division")
    .where("u.account_id", "=", accountId)
    .where("u.campaign_id", "=", g.campaignId)
    .where("u.period_start", "=", new Date(g.period))
    .orderBy(sql`u.division = coalesce(c.divide_budget_in, 'none')`, "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.division;
}

/** A reversed purchase leaves the metrics (spend and count) as if it had not happened. */
async function giveBackMetrics(
  trx: Trx,
  opts: { accountId: string; event: EventRow; customer: CustomerRow; now: Date },
): Promise<CustomerRow> {
  const { event, customer, now } = opts;
  const payload = event.payload as EventPayload;
  if (event.type !== "PURCHASE" || !payload.order) return customer;
  const result = event.result as { paid_value?: number } | null;
  const metrics = applyPurchaseToMetrics({
    metrics: (customer.metrics as CustomerMetrics) ?? {},
    value: dec(result?.paid_value ?? paidValue(payload.order)),
    at: event.issued_at,
    now,
    sign: -1,
  });
  await trx
    .updateTable("customers")
    .set({ metrics: json(metrics), updated_at: now })
    .where("account_id", "=", opts.accountId)
    .where("uuid", "=", customer.uuid)
    .execute();
  return { ...customer, metrics, updated_at: now };
}
