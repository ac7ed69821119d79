import { D, DomainError, dec } from "@tally/core";
import { sql } from "kysely";
import type { Executor } from "../kernel/index.ts";

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

/** A liability report's figures; every amount is a plain decimal string. */
export interface LiabilityReport {
  as_of: string;
  from: string;
  to: string;
  rewards: {
    reward_id: string;
    name: string;
    type: string;
    brand_id: string | null;
    /** Unexpired units left in wallets. */
    outstanding: string;
    conversion_factor: string | null;
    /** Their money value: units × conversion_factor (POINTS), cards' unspent value (GIFT_CARD). */
    value: string | null;
  }[];
  brands: { brand_id: string | null; value: string }[];
  total_value: string;
  days: {
    date: string;
    reward_id: string;
    issued: string;
    redeemed: string;
    expired: string;
    /** Net units reversals moved (signed). */
    reversed: string;
  }[];
}

const text = (v: unknown) => dec(String(v ?? 0)).toFixed();

/** `YYYY-MM-DD` → its UTC midnight, or 400 naming the field. */
function dayOf(field: string, value: string): Date {
  const at = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== value)
    throw new DomainError(
      "VALIDATION_FAILED",
      `${field}: ${value} is not a calendar day (YYYY-MM-DD)`,
    );
  return at;
}

/**
 * ledger.liability (docs/api-decisions.md#liability-report): what the account owes its customers
 * now — per reward the unexpired units left in wallets and their money value, per brand (null:
 * global rewards) and in total — and, per UTC day of [from, to] (at most 366 days) and reward,
 * the units issued, redeemed, expired and reversed, summed from the ledger.
 */
export async function reportLiability(
  db: Executor,
  o: { accountId: string; from: string; to: string; now: Date },
): Promise<LiabilityReport> {
  const from = dayOf("from", o.from);
  const to = dayOf("to", o.to);
  const span = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (span < 1 || span > MAX_DAYS)
    throw new DomainError(
      "VALIDATION_FAILED",
      `to: the range must run forward from "from" and span at most ${MAX_DAYS} days (${span} asked)`,
    );
  const outstanding = await sql<{
    id: string;
    name: string;
    type: string;
    brand_id: string | null;
    factor: string | null;
    units: string | null;
    cards: string | null;
  }>`
    select r.id, r.name, r.type, r.brand_id, r.attributes->>'conversion_factor' as factor,
      (select sum(l.remaining)::text from wallet_lines l
        where l.account_id = r.account_id and l.reward_id = r.id and l.remaining > 0
          and (l.expiration_date is null or l.expiration_date > ${o.now})) as units,
      (select sum(greatest(coalesce(g.value, (r.attributes->>'value')::numeric, 0) - g.spent, 0))::text
        from gift_cards g
        where g.account_id = r.account_id and g.reward_id = r.id and g.customer_uuid is not null
          and g.redeemed_at is null and (g.expired_at is null or g.expired_at > ${o.now})) as cards
    from rewards r where r.account_id = ${o.accountId}
    order by r.brand_id nulls first, r.created_at, r.id`.execute(db);
  const rewards = outstanding.rows.map((r) => {
    const units = dec(r.units ?? "0");
    const factor = r.type === "POINTS" && r.factor !== null ? dec(r.factor) : null;
    const value =
      r.type === "GIFT_CARD" ? dec(r.cards ?? "0") : factor ? units.times(factor) : null;
    return {
      reward_id: r.id,
      name: r.name,
      type: r.type,
      brand_id: r.brand_id,
      outstanding: units.toFixed(),
      conversion_factor: factor?.toFixed() ?? null,
      value: value?.toFixed() ?? null,
    };
  });
  const byBrand = new Map<string | null, InstanceType<typeof D>>();
  let total = new D(0);
  for (const r of rewards) {
    if (r.value === null) continue;
    byBrand.set(r.brand_id, (byBrand.get(r.brand_id) ?? new D(0)).plus(r.value));
    total = total.plus(r.value);
  }
  const days = await sql<Record<string, string>>`
    select to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD') as date, t.reward_id,
      sum(t.amount) filter (where t.amount > 0 and t.type in ('ACCUMULATION', 'MIGRATION', 'ADJUSTMENT', 'TRANSFER')) as issued,
      -sum(t.amount) filter (where t.amount < 0 and t.type in ('REDEMPTION', 'MIGRATION', 'ADJUSTMENT', 'TRANSFER')) as redeemed,
      -sum(t.amount) filter (where t.type = 'EXPIRATION') as expired,
      sum(t.amount) filter (where t.type = 'REVERSAL') as reversed
    from transactions t
    where t.account_id = ${o.accountId} and t.created_at >= ${from}
      and t.created_at < ${to}::timestamptz + interval '1 day'
    group by 1, 2 order by 1, 2`.execute(db);
  return {
    as_of: o.now.toISOString(),
    from: o.from,
    to: o.to,
    rewards,
    brands: [...byBrand].map(([brand_id, v]) => ({ brand_id, value: v.toFixed() })),
    total_value: total.toFixed(),
    days: days.rows.map((d) => ({
      date: String(d.date),
      reward_id: String(d.reward_id),
      issued: text(d.issued),
      redeemed: text(d.redeemed),
      expired: text(d.expired),
      reversed: text(d.reversed),
    })),
  };
}
