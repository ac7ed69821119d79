import { dec } from "@tally/core";
import type { TGiftCardPoolAdd } from "@tally/schemas";
import { sql } from "kysely";
import { type CursorPage, cursorPageOf, type ServiceDeps, uuidCursor } from "../kernel/index.ts";
import { addGiftCards, listGiftCardPool } from "./gift-cards.ts";

type PoolStatus = "AVAILABLE" | "ASSIGNED" | "REDEEMED" | "EXPIRED";

/**
 * Loads codes into a GIFT_CARD reward's pool (as REST does). A retry of a load that went through
 * — every code already in this reward's pool — answers the pool (its first page) instead of a
 * CONFLICT.
 */
export async function addGiftCardsOnce(
  deps: ServiceDeps,
  accountId: string,
  rewardId: string,
  input: TGiftCardPoolAdd,
) {
  const keys = input.codes.map((c) => c.code.toLowerCase());
  const held = await deps.db
    .selectFrom("gift_cards")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("account_id", "=", accountId)
    .where("reward_id", "=", rewardId)
    .where(sql<string>`lower(code)`, "in", keys)
    .executeTakeFirstOrThrow();
  if (Number(held.n) !== keys.length) await addGiftCards(deps, accountId, rewardId, input);
  return listGiftCardPoolPage(deps, accountId, rewardId, { limit: 100 });
}

/**
 * A GIFT_CARD reward's pool: its counts and a page of its codes in load order (by id, which is
 * time-ordered), optionally of one status.
 */
export async function listGiftCardPoolPage(
  deps: ServiceDeps,
  accountId: string,
  rewardId: string,
  q: CursorPage & { status?: PoolStatus | undefined },
) {
  const now = deps.now();
  // The counts, and the 404 or 422 of a reward that is not a GIFT_CARD one.
  const { codes: _, ...counts } = await listGiftCardPool(deps, accountId, rewardId, {
    from: 0,
    to: -1,
  });
  const page = await cursorPageOf(q, async ({ after, take }) => {
    let query = deps.db
      .selectFrom("gift_cards as g")
      .leftJoin("customers as c", (j) =>
        j.onRef("c.account_id", "=", "g.account_id").onRef("c.uuid", "=", "g.customer_uuid"),
      )
      .selectAll("g")
      .select("c.id as customer_id")
      .where("g.account_id", "=", accountId)
      .where("g.reward_id", "=", rewardId)
      .orderBy("g.id")
      .limit(take);
    if (after) query = query.where("g.id", ">", uuidCursor(after));
    const expired = sql<boolean>`(g.expired_at is not null and g.expired_at <= ${now})`;
    if (q.status === "REDEEMED") query = query.where("g.redeemed_at", "is not", null);
    if (q.status === "ASSIGNED")
      query = query.where("g.redeemed_at", "is", null).where("g.customer_uuid", "is not", null);
    if (q.status === "EXPIRED") query = query.where("g.customer_uuid", "is", null).where(expired);
    if (q.status === "AVAILABLE")
      query = query.where("g.customer_uuid", "is", null).where(sql<boolean>`not ${expired}`);
    const rows = await query.execute();
    return rows.map((g) => ({
      id: g.id,
      code: g.code,
      value: g.value === null ? null : dec(g.value).toFixed(),
      description: g.description,
      expired_at: g.expired_at?.toISOString() ?? null,
      status: (g.redeemed_at
        ? "REDEEMED"
        : g.customer_uuid
          ? "ASSIGNED"
          : g.expired_at && g.expired_at <= now
            ? "EXPIRED"
            : "AVAILABLE") as PoolStatus,
      customer_id: g.customer_id,
      event_id: g.event_id,
      rewarded_at: g.rewarded_at?.toISOString() ?? null,
      created_at: g.created_at.toISOString(),
    }));
  });
  return { ...counts, ...page };
}
