import { D, toWireNumber } from "@tally/core";
import type { Database } from "@tally/db";
import type { TWallet } from "@tally/schemas";
import { type Selectable, sql } from "kysely";
import { toRewardView } from "../catalog/index.ts";
import type { Executor } from "../kernel/index.ts";
import { toLineView } from "./views.ts";

type RewardRow = Selectable<Database["rewards"]>;
type LineRow = Selectable<Database["wallet_lines"]>;

/**
 * What the live holds of lot `l` (a `wallet_lines` row aliased `l`) reserve at `now`: HELD
 * reservations whose window is still open. Lapsed holds never count, whether or not the expiry
 * job released them yet; spending, preview and the wallet view all read this.
 */
export function liveReservedOf(now: Date) {
  return sql<string>`coalesce((select sum(r.amount) from reservations r
    where r.account_id = l.account_id and r.line_id = l.id and r.status = 'HELD'
      and r.expires_at > ${now}), 0)`;
}

/** The wallet's lots with something left, `reserved` being what their live holds reserve. */
export async function loadOpenLines(
  db: Executor,
  opts: { accountId: string; walletId: string; now: Date },
): Promise<LineRow[]> {
  const rows = await db
    .selectFrom("wallet_lines as l")
    .selectAll("l")
    .select(sql<string>`${liveReservedOf(opts.now)}::text`.as("live_reserved"))
    .where("l.account_id", "=", opts.accountId)
    .where("l.wallet_id", "=", opts.walletId)
    .where("l.remaining", ">", "0")
    .where((eb) =>
      eb.or([eb("l.expiration_date", "is", null), eb("l.expiration_date", ">", opts.now)]),
    )
    .orderBy("l.issued_at")
    .orderBy("l.id")
    .execute();
  return rows.map(({ live_reserved, ...l }) => ({ ...l, reserved: live_reserved }));
}

/**
 * The wallet as the API shows it: unexpired lots with something left, and per
 * reward the total (expired lots never count, whether or not the expiry job ran),
 * the reserved part, the available part and the earliest expiry. Rewards come
 * from `rewards` when the caller has them (the catalog), else from the database.
 */
export async function loadWalletView(
  db: Executor,
  opts: {
    accountId: string;
    walletId: string;
    customerUuid: string;
    now: Date;
    rewards?: Map<string, RewardRow>;
  },
): Promise<TWallet> {
  const lines = await loadOpenLines(db, opts);
  let rewards = opts.rewards;
  const rewardIds = [...new Set(lines.map((l) => l.reward_id))];
  if (!rewards && rewardIds.length > 0) {
    const rows = await db
      .selectFrom("rewards")
      .selectAll()
      .where("account_id", "=", opts.accountId)
      .where("id", "in", rewardIds)
      .execute();
    rewards = new Map(rows.map((r) => [r.id, r]));
  }
  return walletView({ ...opts, lines, rewards: rewards ?? new Map() });
}

/** Builds the wallet view from its open lots (expired ones are dropped here too). */
export function walletView(opts: {
  walletId: string;
  customerUuid: string;
  now: Date;
  lines: LineRow[];
  rewards: Map<string, RewardRow>;
}): TWallet {
  const lines = opts.lines
    .filter((l) => Number(l.remaining) > 0 && (!l.expiration_date || l.expiration_date > opts.now))
    .sort((a, b) => a.issued_at.getTime() - b.issued_at.getTime() || (a.id < b.id ? -1 : 1));
  const totals = new Map<
    string,
    { total: InstanceType<typeof D>; reserved: InstanceType<typeof D>; expiration: Date | null }
  >();
  for (const line of lines) {
    const t = totals.get(line.reward_id) ?? {
      total: new D(0),
      reserved: new D(0),
      expiration: null,
    };
    t.total = t.total.plus(line.remaining);
    // A hold whose window has passed no longer counts, whether or not the job released it yet.
    const held =
      line.reservation_expires_at && line.reservation_expires_at <= opts.now ? "0" : line.reserved;
    t.reserved = t.reserved.plus(held);
    if (line.expiration_date && (!t.expiration || line.expiration_date < t.expiration)) {
      t.expiration = line.expiration_date;
    }
    totals.set(line.reward_id, t);
  }
  return {
    id: opts.walletId,
    owner_id: opts.customerUuid,
    lines: lines.map((l) => toLineView(l)),
    totals: [...totals.entries()].map(([rewardId, t]) => ({
      total: toWireNumber(t.total),
      reserved: toWireNumber(t.reserved),
      available: toWireNumber(t.total.minus(t.reserved)),
      reward_id: rewardId,
      expiration_date: t.expiration ? t.expiration.toISOString() : null,
      reward: toRewardView(opts.rewards.get(rewardId)!),
    })),
  };
}
