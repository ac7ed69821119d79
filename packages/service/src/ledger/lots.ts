import { D, DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import type Decimal from "decimal.js";
import { type Selectable, sql, type Transaction } from "kysely";
import { releaseExpiredHolds } from "../ledger/expiry.ts";
import { liveReservedOf } from "./wallet.ts";

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
 * The wallet's open lots of `rewardIds` in the spending order of docs/api-decisions.md#spending-order: earliest
 * expiration first, never-expiring last, then issued_at (and id, for a total order). Expired
 * lots never count. Read under the wallet lock.
 */
export async function loadOpenLots(
  trx: Trx,
  opts: { accountId: string; walletId: string; rewardIds: string[]; now: Date; exclude?: string[] },
): Promise<LineRow[]> {
  if (opts.rewardIds.length === 0) return [];
  const lots = await queryOpenLots(trx, opts);
  if (!lots.some((l) => l.stale)) return lots.map(({ stale: _, ...l }) => l);
  // Some hold lapsed and the expiry job has not released it yet: release it now (the caller holds
  // the wallet lock), so the lots' reserved amounts are exact before anything is spent from them.
  const wallet = await trx
    .selectFrom("wallets")
    .select("customer_uuid")
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.walletId)
    .executeTakeFirstOrThrow();
  await releaseExpiredHolds(
    trx,
    { account_id: opts.accountId, wallet_id: opts.walletId, customer_uuid: wallet.customer_uuid },
    opts.now,
  );
  return (await queryOpenLots(trx, opts)).map(({ stale: _, ...l }) => l);
}

async function queryOpenLots(
  trx: Trx,
  opts: { accountId: string; walletId: string; rewardIds: string[]; now: Date; exclude?: string[] },
) {
  let q = trx
    .selectFrom("wallet_lines as l")
    .selectAll("l")
    // What the lot's live holds reserve (holds whose window passed no longer count, whether or
    // not the expiry job released them yet).
    .select(sql<string>`${liveReservedOf(opts.now)}::text`.as("live_reserved"))
    .where("l.account_id", "=", opts.accountId)
    .where("l.wallet_id", "=", opts.walletId)
    .where("l.reward_id", "in", opts.rewardIds)
    .where("l.remaining", ">", "0")
    .where((eb) =>
      eb.or([eb("l.expiration_date", "is", null), eb("l.expiration_date", ">", opts.now)]),
    );
  if (opts.exclude?.length) q = q.where("l.id", "not in", opts.exclude);
  const rows = await q
    .orderBy(sql`l.expiration_date asc nulls last`)
    .orderBy("l.issued_at")
    .orderBy("l.id")
    .execute();
  return rows.map(({ live_reserved, ...line }) => ({
    ...line,
    reserved: live_reserved,
    reservation_expires_at: Number(live_reserved) > 0 ? line.reservation_expires_at : null,
    stale: !new D(line.reserved).eq(live_reserved),
  }));
}

/** Units available per reward over `lots` at `now`. */
export function balancesOf(lots: LineRow[], now: Date): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const l of lots)
    out.set(l.reward_id, (out.get(l.reward_id) ?? ZERO).plus(availableOf(l, now)));
  return out;
}

/** Takes `wants` (units per reward) from `lots`, in their order; short → INSUFFICIENT_BALANCE. */
export function pickDraws(
  lots: LineRow[],
  wants: { reward_id: string; amount: Decimal }[],
  now: Date,
): Draw[] {
  const draws: Draw[] = [];
  for (const want of wants) {
    let left = want.amount;
    for (const line of lots) {
      if (left.lte(0)) break;
      if (line.reward_id !== want.reward_id) continue;
      const take = D.min(left, availableOf(line, now));
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

/** Loads the open lots and picks the ones that cover `wants` (under the wallet lock). */
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
  const rewardIds = [...new Set(wants.map((w) => w.reward_id))];
  if (rewardIds.length === 0) return [];
  return pickDraws(await loadOpenLots(trx, { ...opts, rewardIds }), wants, opts.now);
}

/** Adds `delta` (signed) to the remaining amount of each lot, in one statement. */
export async function moveRemaining(
  trx: Trx,
  accountId: string,
  changes: { lineId: string; delta: Decimal }[],
): Promise<void> {
  const rows = sortByLine(changes).filter((c) => !c.delta.isZero());
  if (rows.length === 0) return;
  // A VALUES list, not one jsonb parameter: the planner then knows how few lots they are and
  // joins through the primary key (a jsonb set, guessed at 100 rows, made it hash the wallet's
  // lots and cost a third of the redemption benchmark's throughput).
  const values = sql.join(
    rows.map((c) => sql`(${c.lineId}::uuid, ${c.delta.toString()}::numeric)`),
  );
  await sql`update wallet_lines l set remaining = l.remaining + v.delta
    from (values ${values}) as v(id, delta)
    where l.account_id = ${accountId} and l.id = v.id`.execute(trx);
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
