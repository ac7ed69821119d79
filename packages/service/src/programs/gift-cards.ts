import { type Accrual, D, DomainError, dec, notFound, toWireNumber } from "@tally/core";
import type { Database } from "@tally/db";
import type { TGiftCard, TGiftCardPool, TGiftCardPoolAdd } from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import { isUuid } from "../catalog/index.ts";
import { findCustomer } from "../customers/index.ts";
import { type Executor, newId, pgCode, type ServiceDeps, transact } from "../kernel/index.ts";

type Trx = Transaction<Database>;
type RewardRow = Selectable<Database["rewards"]>;
type CardRow = Selectable<Database["gift_cards"]>;

/** Earned GIFT_CARD units no code was left for (the event result's `gift_card_skipped`). */
export interface SkippedGiftCard {
  reward_id: string;
  campaign_id: string;
  units: number;
}

/** Codes locked for GIFT_CARD accruals, not yet assigned (assigned once budgets are charged). */
export type GiftCardPicks = Map<Accrual, CardRow[]>;

const usable = (now: Date) => sql<boolean>`(expired_at is null or expired_at > ${now})`;

/**
 * Locks one unused, unexpired code per GIFT_CARD unit (whole units; oldest loaded first) with
 * `for update skip locked`, so concurrent earners never pick the same code and never wait on one
 * another. An accrual becomes one accrual of 1 unit per code found, costing the card's value
 * (the reward's `attributes.value` where a card has none) and expiring no later than the card; units without a code are reported as
 * skipped, and an accrual with none left is dropped. Other accruals pass through unchanged.
 * `taken` lists cards this transaction already picked (skip locked does not skip its own locks);
 * the picks are added to it.
 */
export async function pickGiftCards(
  trx: Trx,
  o: {
    accountId: string;
    accruals: Accrual[];
    rewards: Map<string, RewardRow>;
    now: Date;
    taken?: string[];
  },
): Promise<{ accruals: Accrual[]; picks: GiftCardPicks; skipped: SkippedGiftCard[] }> {
  const picks: GiftCardPicks = new Map();
  const skipped: SkippedGiftCard[] = [];
  const out: Accrual[] = [];
  const taken = o.taken ?? [];
  for (const a of o.accruals) {
    const reward = o.rewards.get(a.reward_id);
    if (reward?.type !== "GIFT_CARD") {
      out.push(a);
      continue;
    }
    const units = Math.floor(a.amount.toNumber());
    if (units < 1) continue;
    let q = trx
      .selectFrom("gift_cards")
      .selectAll()
      .where("account_id", "=", o.accountId)
      .where("reward_id", "=", a.reward_id)
      .where("customer_uuid", "is", null)
      .where(usable(o.now));
    if (taken.length) q = q.where("id", "not in", taken);
    const cards = await q
      .orderBy("created_at")
      .orderBy("id")
      .limit(units)
      .forUpdate()
      .skipLocked()
      .execute();
    if (cards.length < units) {
      skipped.push({
        reward_id: a.reward_id,
        campaign_id: a.campaign_id,
        units: units - cards.length,
      });
    }
    if (cards.length === 0) continue;
    taken.push(...cards.map((c) => c.id));
    const fallback = dec(Number((reward.attributes as { value?: number }).value ?? 0));
    // One accrual (so one lot) per card: its cost is the card's value, and its lot expires
    // when the card does if that comes before the effect's expiry.
    for (const card of cards) {
      const accrual = {
        ...a,
        amount: new D(1),
        cost: card.value === null ? fallback : dec(card.value),
        expiration_date: earlier(a.expiration_date, card.expired_at),
      };
      picks.set(accrual, [card]);
      out.push(accrual);
    }
  }
  return { accruals: out, picks, skipped };
}

const earlier = (a: Date | null, b: Date | null): Date | null =>
  a && b ? (a.getTime() <= b.getTime() ? a : b) : (a ?? b);

/**
 * Assigns the picked codes of the accruals that were credited (their budgets charged) to the
 * customer, naming the event, campaign and lot. Codes of dropped accruals stay in the pool.
 * Answers the cards as the event result's `gift_card` lists them.
 */
export async function assignGiftCards(
  trx: Trx,
  o: {
    accountId: string;
    customer: { uuid: string; id: string };
    eventId: string;
    credited: Accrual[];
    picks: GiftCardPicks;
    lineIdOf: Map<Accrual, string>;
    now: Date;
  },
): Promise<TGiftCard[]> {
  const assigned = o.credited.flatMap((a) =>
    (o.picks.get(a) ?? []).map((card) => ({
      card,
      campaignId: a.campaign_id,
      lineId: o.lineIdOf.get(a) ?? null,
    })),
  );
  if (assigned.length === 0) return [];
  // One statement for every card, each naming its own campaign and lot.
  await sql`
    update gift_cards g
    set customer_uuid = ${o.customer.uuid}, event_id = ${o.eventId}, rewarded_at = ${o.now},
        campaign_id = v.campaign_id, line_id = v.line_id
    from unnest(${assigned.map((x) => x.card.id)}::uuid[],
                ${assigned.map((x) => x.campaignId)}::uuid[],
                ${assigned.map((x) => x.lineId)}::uuid[]) as v(id, campaign_id, line_id)
    where g.account_id = ${o.accountId} and g.id = v.id`.execute(trx);
  return assigned.map((x) => toGiftCardView({ ...x.card, rewarded_at: o.now }, o.customer.id));
}

/** A card → Masivo's GiftCard. */
export function toGiftCardView(c: CardRow, customerId: string): TGiftCard {
  return {
    code: c.code,
    reward_id: c.reward_id,
    customer_id: customerId,
    rewarded_at: (c.rewarded_at ?? c.created_at).toISOString(),
    description: c.description,
    expired_at: c.expired_at?.toISOString() ?? null,
    redeemed_at: c.redeemed_at?.toISOString() ?? null,
  };
}

/**
 * A reversed event gives its gift cards back to the pool (unassigned, as if never drawn). A card
 * already redeemed cannot come back: 409, nothing changes.
 */
export async function returnGiftCards(trx: Trx, o: { accountId: string; eventId: string }) {
  const cards = await trx
    .selectFrom("gift_cards")
    .select(["id", "code", "redeemed_at", "spent"])
    .where("account_id", "=", o.accountId)
    .where("event_id", "=", o.eventId)
    .forUpdate()
    .execute();
  // A card spent in part is as good as redeemed: its holder has had some of its value.
  const redeemed = cards.find((c) => c.redeemed_at || dec(c.spent).gt(0));
  if (redeemed) {
    throw new DomainError(
      "CONFLICT",
      `event ${o.eventId}: its gift card ${JSON.stringify(redeemed.code)} was already redeemed and cannot be returned`,
    );
  }
  if (cards.length === 0) return;
  await trx
    .updateTable("gift_cards")
    .set({
      customer_uuid: null,
      event_id: null,
      campaign_id: null,
      line_id: null,
      rewarded_at: null,
    })
    .where("account_id", "=", o.accountId)
    .where(
      "id",
      "in",
      cards.map((c) => c.id),
    )
    .execute();
}

async function giftCardReward(db: Executor, accountId: string, id: string) {
  const reward = isUuid(id)
    ? await db
        .selectFrom("rewards")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst()
    : undefined;
  if (!reward) throw notFound("reward", id);
  if (reward.type !== "GIFT_CARD") {
    throw new DomainError(
      "UNSUPPORTED",
      `id: reward ${id} is a ${reward.type} reward; only GIFT_CARD rewards have a pool of codes`,
    );
  }
  return reward;
}

/**
 * POST /rewards/{id}/gift-cards (extension): loads codes into a GIFT_CARD reward's pool. A code
 * listed twice is 400; one the account already holds in any pool is 409 (nothing is added either
 * way). Codes are unique per account ignoring case, like coupon and referral codes.
 */
export async function addGiftCards(
  deps: ServiceDeps,
  accountId: string,
  rewardId: string,
  input: TGiftCardPoolAdd,
): Promise<TGiftCardPool> {
  const now = deps.now();
  const seen = new Map<string, number>();
  for (const [i, c] of input.codes.entries()) {
    const key = c.code.toLowerCase();
    const j = seen.get(key);
    if (j !== undefined) {
      throw new DomainError(
        "VALIDATION_FAILED",
        `codes[${i}].code: ${JSON.stringify(c.code)} is listed twice, ignoring case (also codes[${j}])`,
      );
    }
    seen.set(key, i);
  }
  try {
    return await transact(deps, async (trx) => {
      const reward = await giftCardReward(trx, accountId, rewardId);
      if (reward.archived_at)
        throw new DomainError(
          "CONFLICT",
          `id: reward ${rewardId} is archived; its pool takes no new codes`,
        );
      await trx
        .insertInto("gift_cards")
        .values(
          input.codes.map((c) => ({
            account_id: accountId,
            id: newId(),
            reward_id: rewardId,
            code: c.code,
            description: c.description ?? null,
            customer_uuid: null,
            event_id: null,
            rewarded_at: null,
            expired_at: c.expiration_date ? new Date(c.expiration_date) : null,
            redeemed_at: null,
            // Draw order is load order: created_at, then the time-ordered id.
            created_at: now,
            value: c.value == null ? null : String(c.value),
            campaign_id: null,
            line_id: null,
          })),
        )
        .execute();
      return listGiftCardPool({ ...deps, db: trx }, accountId, rewardId, { from: 0, to: -1 });
    });
  } catch (error) {
    if (pgCode(error) === "23505") {
      throw new DomainError(
        "CONFLICT",
        "codes: a code is already in a gift-card pool of this account (codes are unique ignoring case)",
      );
    }
    throw error;
  }
}

/** GET /rewards/{id}/gift-cards (extension): the pool's counts and a page of its codes. */
export async function listGiftCardPool(
  deps: ServiceDeps,
  accountId: string,
  rewardId: string,
  page: { from: number; to?: number | undefined },
): Promise<TGiftCardPool> {
  const now = deps.now();
  await giftCardReward(deps.db, accountId, rewardId);
  const counts = await deps.db
    .selectFrom("gift_cards")
    .select([
      sql<number>`count(*)::int`.as("total"),
      sql<number>`(count(*) filter (where customer_uuid is null and ${usable(now)}))::int`.as(
        "available",
      ),
      sql<number>`(count(*) filter (where customer_uuid is not null))::int`.as("assigned"),
      sql<number>`(count(*) filter (where customer_uuid is null and not ${usable(now)}))::int`.as(
        "expired",
      ),
    ])
    .where("account_id", "=", accountId)
    .where("reward_id", "=", rewardId)
    .executeTakeFirstOrThrow();
  const to = page.to ?? page.from + 999;
  const rows =
    to < page.from
      ? []
      : await deps.db
          .selectFrom("gift_cards as g")
          .leftJoin("customers as c", (j) =>
            j.onRef("c.account_id", "=", "g.account_id").onRef("c.uuid", "=", "g.customer_uuid"),
          )
          .selectAll("g")
          .select("c.id as customer_id")
          .where("g.account_id", "=", accountId)
          .where("g.reward_id", "=", rewardId)
          .orderBy("g.created_at")
          .orderBy("g.id")
          .offset(page.from)
          .limit(to - page.from + 1)
          .execute();
  return {
    reward_id: rewardId,
    total: Number(counts.total),
    available: Number(counts.available),
    assigned: Number(counts.assigned),
    expired: Number(counts.expired),
    codes: rows.map((g) => ({
      id: g.id,
      code: g.code,
      value: g.value === null ? null : toWireNumber(g.value),
      description: g.description,
      expired_at: g.expired_at?.toISOString() ?? null,
      status: g.redeemed_at
        ? "REDEEMED"
        : g.customer_uuid
          ? "ASSIGNED"
          : g.expired_at && g.expired_at <= now
            ? "EXPIRED"
            : "AVAILABLE",
      customer_id: g.customer_id,
      event_id: g.event_id,
      rewarded_at: g.rewarded_at?.toISOString() ?? null,
      created_at: g.created_at.toISOString(),
    })),
  };
}

/** GET /customers/{id}/rewards/gift-cards: the customer's gift cards, latest first. */
export async function listCustomerGiftCards(
  deps: ServiceDeps,
  accountId: string,
  customerId: string,
): Promise<TGiftCard[]> {
  const customer = await findCustomer(deps.db, accountId, customerId);
  const rows = await deps.db
    .selectFrom("gift_cards")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("customer_uuid", "=", customer.uuid)
    .orderBy("rewarded_at", "desc")
    .orderBy("id")
    .execute();
  return rows.map((r) => toGiftCardView(r, customer.id));
}
