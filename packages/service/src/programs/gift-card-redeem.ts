import { DomainError, dec, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import { json } from "@tally/db";
import type { Selectable } from "kysely";
import { sql } from "kysely";
import { lockCustomerByUuid } from "../customers/index.ts";
import { type Executor, newId, type ServiceDeps, transact } from "../kernel/index.ts";
import { moveRemaining, toLineView } from "../ledger/index.ts";

type CardRow = Selectable<Database["gift_cards"]>;

/** A gift card's balance as the internal API shows it; amounts are decimal strings. */
export interface GiftCardBalance {
  code: string;
  reward_id: string;
  customer_id: string | null;
  value: string;
  spent: string;
  remaining: string;
  expired_at: string | null;
  redeemed_at: string | null;
}

async function findCard(db: Executor, accountId: string, code: string, lock: boolean) {
  let q = db
    .selectFrom("gift_cards as g")
    .innerJoin("rewards as r", (j) =>
      j.onRef("r.account_id", "=", "g.account_id").onRef("r.id", "=", "g.reward_id"),
    )
    .leftJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "g.account_id").onRef("c.uuid", "=", "g.customer_uuid"),
    )
    .selectAll("g")
    .select(["r.attributes as reward_attributes", "c.id as customer_id"])
    .where("g.account_id", "=", accountId)
    .where(sql`lower(g.code)`, "=", code.toLowerCase());
  if (lock) q = q.forUpdate("g");
  const card = await q.executeTakeFirst();
  if (!card) throw notFound("gift card", code);
  return card;
}

const cardValue = (card: CardRow & { reward_attributes: unknown }) =>
  dec(card.value ?? String((card.reward_attributes as { value?: number } | null)?.value ?? 0));

function balanceOf(card: CardRow & { reward_attributes: unknown; customer_id: string | null }) {
  const value = cardValue(card);
  const spent = dec(card.spent);
  return {
    code: card.code,
    reward_id: card.reward_id,
    customer_id: card.customer_id,
    value: value.toFixed(),
    spent: spent.toFixed(),
    remaining: (card.redeemed_at ? dec(0) : value.minus(spent)).toFixed(),
    expired_at: card.expired_at?.toISOString() ?? null,
    redeemed_at: card.redeemed_at?.toISOString() ?? null,
  };
}

/** giftCards.get (internal API): a card's value, what it has given and what is left. */
export async function getGiftCardBalance(
  deps: ServiceDeps,
  accountId: string,
  code: string,
): Promise<GiftCardBalance> {
  return balanceOf(await findCard(deps.db, accountId, code, false));
}

/**
 * giftCards.redeem (docs/api-decisions.md#redeeming-gift-cards): spends `amount` of a customer's
 * card (all that is left by default), in parts until its value is used up. The card's wallet lot
 * (one unit) leaves the wallet, as a REDEMPTION row, with the part that uses the card up. Locks
 * the owner's wallet first, then the card. A card in the pool, used up, or expired is 409; more
 * than is left is 422 INSUFFICIENT_BALANCE; nothing changes then.
 */
export async function redeemGiftCard(
  deps: ServiceDeps,
  accountId: string,
  input: { code: string; amount?: number | undefined },
): Promise<GiftCardBalance> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const head = await findCard(trx, accountId, input.code, false);
    if (!head.customer_uuid)
      throw new DomainError(
        "CONFLICT",
        `code: gift card ${input.code} was never given to a customer`,
      );
    const { customer, walletId } = await lockCustomerByUuid(trx, accountId, head.customer_uuid);
    const card = await findCard(trx, accountId, input.code, true);
    if (card.customer_uuid !== customer.uuid || card.redeemed_at)
      throw new DomainError("CONFLICT", `code: gift card ${input.code} is already used up`);
    const line = card.line_id
      ? await trx
          .selectFrom("wallet_lines")
          .selectAll()
          .where("account_id", "=", accountId)
          .where("id", "=", card.line_id)
          .executeTakeFirst()
      : undefined;
    const lapsed = (d: Date | null | undefined) => d != null && d <= now;
    if (
      lapsed(card.expired_at) ||
      lapsed(line?.expiration_date) ||
      (line && dec(line.remaining).lte(0))
    )
      throw new DomainError("CONFLICT", `code: gift card ${input.code} has expired`);
    const value = cardValue(card);
    const left = value.minus(dec(card.spent));
    const amount = input.amount === undefined ? left : dec(input.amount);
    if (amount.gt(left) || left.lte(0))
      throw new DomainError(
        "INSUFFICIENT_BALANCE",
        `amount: gift card ${input.code} has ${left.toFixed()} left, ${amount.toFixed()} asked`,
      );
    const spent = dec(card.spent).plus(amount);
    const usedUp = spent.gte(value);
    await trx
      .updateTable("gift_cards")
      .set({ spent: spent.toFixed(), redeemed_at: usedUp ? now : null })
      .where("account_id", "=", accountId)
      .where("id", "=", card.id)
      .execute();
    if (usedUp && line) {
      const units = dec(line.remaining);
      await moveRemaining(trx, accountId, [{ lineId: line.id, delta: units.neg() }]);
      await trx
        .insertInto("transactions")
        .values({
          account_id: accountId,
          id: newId(),
          wallet_id: walletId,
          customer_uuid: customer.uuid,
          reward_id: card.reward_id,
          line_id: line.id,
          event_id: null,
          campaign_id: line.campaign_id,
          reverses_id: null,
          brand_id: line.brand_id,
          channel_id: null,
          store_id: null,
          funded_by: line.funded_by,
          event_type: null,
          reward_type: "GIFT_CARD",
          type: "REDEMPTION",
          amount: units.neg().toFixed(),
          cost: "0",
          details: `Gift card ${card.code} used up`,
          receiver_id: null,
          sender_id: null,
          migration_key: null,
          issued_at: now,
          created_at: now,
          attributes: json({ line: toLineView(line, units.toFixed()), gift_card: card.code }),
          metadata: json({}),
        })
        .execute();
    }
    return balanceOf({
      ...card,
      spent: spent.toFixed(),
      redeemed_at: usedUp ? now : null,
      customer_id: customer.id,
    });
  });
}
