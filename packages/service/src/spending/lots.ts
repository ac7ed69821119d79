import { D, DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import type Decimal from "decimal.js";
import { type Selectable, sql, type Transaction } from "kysely";

type Trx = Transaction<Database>;
export type LineRow = Selectable<Database["wallet_lines"]>;

/** Units taken from one lot. */
export interface Draw {
  line: LineRow;
  amount: Decimal;
}

const ZERO = new D(0);

/** What a lot can still give at `now`: remaining less its live holds. */
export function availableOf(line: LineRow, now: Date): Decimal {
  const live = line.reservation_expires_at === null || line.reservation_expires_at > now;
  return new D(line.remaining).minus(live ? line.reserved : 0);
}

/**
 * Picks the lots that cover `wants` (units per reward) in the spending order of decisions §6:
 * earliest expiration first, never-expiring last, then issued_at (and id, for a total order).
 * Expired lots never count. Call it under the wallet lock; short → INSUFFICIENT_BALANCE.
 */
export async function drawLots(
  trx: Trx,
  opts: {
    accountId: string;
    walletId: string;
    wants: { reward_id: string; amount: Decimal }[];
    now: Date;
    exclude?: string[];
  },
): Promise<Draw[]> {
  const wants = opts.wants.filter((w) => w.amount.gt(0));
  if (wants.length === 0) return [];
  let q = trx
    .selectFrom("wallet_lines")
    .selectAll()
    .where("account_id", "=", opts.accountId)
    .where("wallet_id", "=", opts.walletId)
    .where(
      "reward_id",
      "in",
      wants.map((w) => w.reward_id),
    )
    .where("remaining", ">", "0")
    .where((eb) =>
      eb.or([eb("expiration_date", "is", null), eb("expiration_date", ">", opts.now)]),
    );
  if (opts.exclude?.length) q = q.where("id", "not in", opts.exclude);
  const lots = await q
    .orderBy(sql`expiration_date asc nulls last`)
    .orderBy("issued_at")
    .orderBy("id")
    .execute();
  const draws: Draw[] = [];
  for (const want of wants) {
    let left = want.amount;
    for (const line of lots) {
      if (left.isZero()) break;
      if (line.reward_id !== want.reward_id) continue;
      const take = D.min(left, availableOf(line, opts.now));
      if (take.lte(0)) continue;
      draws.push({ line, amount: take });
      left = left.minus(take);
    }
    if (left.gt(0)) {
      throw new DomainError(
        "INSUFFICIENT_BALANCE",
        `redeem: the wallet holds ${want.amount.minus(left)} of reward ${want.reward_id} available, ${want.amount} asked`,
      );
    }
  }
  return draws;
}

/** Adds `delta` (signed) to the remaining amount of each drawn lot. */
export async function moveRemaining(
  trx: Trx,
  accountId: string,
  changes: { lineId: string; delta: Decimal }[],
): Promise<void> {
  for (const c of sortByLine(changes)) {
    await trx
      .updateTable("wallet_lines")
      .set({ remaining: sql`remaining + ${c.delta.toString()}::numeric` })
      .where("account_id", "=", accountId)
      .where("id", "=", c.lineId)
      .execute();
  }
}

/** Holds the drawn units for an event until `expiresAt`: one HELD reservation per lot. */
export async function holdDraws(
  trx: Trx,
  opts: { accountId: string; eventId: string; draws: Draw[]; expiresAt: Date; now: Date },
  newId: () => string,
): Promise<void> {
  if (opts.draws.length === 0) return;
  await trx
    .insertInto("reservations")
    .values(
      opts.draws.map((d) => ({
        account_id: opts.accountId,
        id: newId(),
        event_id: opts.eventId,
        line_id: d.line.id,
        amount: d.amount.toString(),
        status: "HELD" as const,
        expires_at: opts.expiresAt,
        created_at: opts.now,
      })),
    )
    .execute();
  for (const d of sortByLine(opts.draws.map((x) => ({ lineId: x.line.id, delta: x.amount })))) {
    await trx
      .updateTable("wallet_lines")
      .set({
        reserved: sql`reserved + ${d.delta.toString()}::numeric`,
        reservation_expires_at: sql`greatest(coalesce(reservation_expires_at, ${opts.expiresAt}), ${opts.expiresAt})`,
      })
      .where("account_id", "=", opts.accountId)
      .where("id", "=", d.lineId)
      .execute();
  }
}

/**
 * Ends an event's HELD reservations: SPENT (the held units leave `remaining` too) or RELEASED
 * (they become available again). Answers what each lot held.
 */
export async function settleHolds(
  trx: Trx,
  opts: { accountId: string; eventId: string; to: "SPENT" | "RELEASED" },
): Promise<{ lineId: string; amount: Decimal }[]> {
  const rows = await trx
    .updateTable("reservations")
    .set({ status: opts.to })
    .where("account_id", "=", opts.accountId)
    .where("event_id", "=", opts.eventId)
    .where("status", "=", "HELD")
    .returning(["line_id", "amount"])
    .execute();
  const held = sortByLine(rows.map((r) => ({ lineId: r.line_id, delta: new D(r.amount) })));
  for (const h of held) {
    const left = sql<string>`greatest(reserved - ${h.delta.toString()}::numeric, 0)`;
    const spent = opts.to === "SPENT" ? h.delta.toString() : "0";
    await trx
      .updateTable("wallet_lines")
      .set({
        reserved: left,
        remaining: sql`remaining - ${spent}::numeric`,
        reservation_expires_at: sql`case when ${left} = 0 then null else reservation_expires_at end`,
      })
      .where("account_id", "=", opts.accountId)
      .where("id", "=", h.lineId)
      .execute();
  }
  return held.map((h) => ({ lineId: h.lineId, amount: h.delta }));
}

/** Per lot, summed and in ascending id order (one lock order for row updates). */
function sortByLine(changes: { lineId: string; delta: Decimal }[]) {
  const by = new Map<string, Decimal>();
  for (const c of changes) by.set(c.lineId, (by.get(c.lineId) ?? ZERO).plus(c.delta));
  return [...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([lineId, delta]) => ({ lineId, delta }));
}
