import {
  assertCouponRunning,
  codeHasUsesLeft,
  codeKey,
  compileCampaign,
  computeAccruals,
  DomainError,
  type EventFacts,
  matchCouponRules,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { TCouponRedeem, TCouponRedeemResult } from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import { applyBudgets, assertOutlets, catalogVersion, loadCatalog } from "../catalog/index.ts";
import { consentsTo, lockCustomer, toCustomerView } from "../customers/index.ts";
import {
  campaignFacts,
  canonicalHash,
  customerFacts,
  rewardFacts,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";
import { recordWalletWebhook, walletView } from "../ledger/index.ts";
import { pickGiftCards } from "../programs/index.ts";
import { writeCouponRedemption } from "./write.ts";

type Trx = Transaction<Database>;
type CampaignRow = Selectable<Database["campaigns"]>;

/** The event type of the event row a coupon redemption records (source COUPON). */
export const COUPON_EVENT_TYPE = "COUPON_REDEMPTION";

/** The code's row, locked, with its campaign; null when the account has no such code. */
async function lockCode(trx: Trx, accountId: string, code: string) {
  const row = await trx
    .selectFrom("coupon_codes")
    .selectAll()
    .where("account_id", "=", accountId)
    .where(sql<string>`lower(code)`, "=", codeKey(code))
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  const campaign = await trx
    .selectFrom("campaigns")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", row.campaign_id)
    .executeTakeFirstOrThrow();
  return { code: row, campaign };
}

/** Counts one more use against the campaign's `quantity` (one conditional upsert); false = no room. */
async function chargeQuantity(trx: Trx, accountId: string, campaign: CampaignRow) {
  if (campaign.quantity !== null && campaign.quantity < 1) return false;
  const charged = await trx
    .insertInto("coupon_usage")
    .values({ account_id: accountId, campaign_id: campaign.id, uses: 1 })
    .onConflict((oc) =>
      oc
        .columns(["account_id", "campaign_id"])
        .doUpdateSet({ uses: sql`coupon_usage.uses + 1` })
        .where(
          sql<boolean>`${campaign.quantity}::integer is null or coupon_usage.uses + 1 <= ${campaign.quantity}::integer`,
        ),
    )
    .returning("uses")
    .executeTakeFirst();
  return Boolean(charged);
}

const exhausted = (code: string) =>
  new DomainError("COUPON_EXHAUSTED", `code: coupon ${JSON.stringify(code)} has no uses left`);

/**
 * Redeems a coupon code for a customer (docs/api-decisions.md#coupon-redeem) in one transaction: wallet locked
 * first, then the code row, then the campaign's quantity counter, then its budget.
 * Checks in order: code exists (404), campaign running (422), consent (403), conditions
 * (422 with `requirement`), limits (422), budget (422); then credits the campaign's
 * effects as lots with ACCUMULATION transactions, records a RESOLVED event (source
 * COUPON) and the redemption, and counts the use. Nothing is written on any failure.
 */
export async function redeemCoupon(
  deps: ServiceDeps,
  accountId: string,
  input: TCouponRedeem,
): Promise<TCouponRedeemResult> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const locked = await lockCustomer(trx, accountId, input.customer_id);
    const { customer } = locked;
    let catalog = await loadCatalog(trx, accountId, locked.catalogVersion);
    if (input.brand_id && !catalog.brands.has(input.brand_id)) {
      throw new DomainError(
        "NOT_FOUND",
        `brand_id: brand ${JSON.stringify(input.brand_id)} not found`,
      );
    }
    assertOutlets(catalog, input);
    const found = await lockCode(trx, accountId, input.code);
    if (!found) {
      throw new DomainError(
        "COUPON_NOT_FOUND",
        `code: coupon ${JSON.stringify(input.code)} not found`,
      );
    }
    const { code, campaign } = found;
    assertCouponRunning(campaign, input.code, now);
    if (code.disabled_at)
      throw new DomainError(
        "COUPON_INACTIVE",
        `code: coupon ${JSON.stringify(input.code)} is disabled`,
      );
    if (!consentsTo(customer, "coupon_campaigns")) {
      throw new DomainError(
        "FORBIDDEN",
        "customer_id: the customer has not consented to coupon campaigns (consent.purposes.coupon_campaigns)",
      );
    }

    const brandId = input.brand_id ?? campaign.brand_id ?? null;
    const event: EventFacts = {
      type: COUPON_EVENT_TYPE,
      brand_id: brandId,
      platform: input.platform ?? null,
      issued_at: now,
      tags: {},
      order:
        input.store_id || input.channel_id
          ? { store_id: input.store_id ?? null, channel_id: input.channel_id ?? null }
          : null,
    };
    const matched = matchCouponRules({
      campaign: compileCampaign(campaignFacts(campaign)),
      event,
      customer: customerFacts(customer),
      now,
    });
    if (!matched.ok) throw conditionNotMet(matched.requirement);
    const rewardIds = new Set(matched.matches.flatMap((m) => m.effects.map((e) => e.reward_id)));
    // The version read under the wallet lock may predate a reward this campaign names.
    if ([...rewardIds].some((id) => !catalog.rewards.has(id))) {
      catalog = await loadCatalog(trx, accountId, await catalogVersion(trx, accountId));
    }
    const rewards = new Map(
      [...rewardIds].flatMap((id) => {
        const row = catalog.rewards.get(id);
        return row ? [[id, rewardFacts(row)] as const] : [];
      }),
    );
    const accruals = computeAccruals({ matches: matched.matches, rewards, event });
    if (accruals.length === 0) {
      const reward = matched.matches
        .flatMap((m) => m.effects)
        .map((e) => rewards.get(e.reward_id))
        .find((r) => r?.brand_id);
      throw conditionNotMet(
        reward ? `Brand must be equal to ${reward.brand_id}` : "Condition was not met",
      );
    }

    await assertLimits(trx, { accountId, customerUuid: customer.uuid, code, input });
    if (!(await chargeQuantity(trx, accountId, campaign))) throw exhausted(input.code);
    // A coupon is asked for its rewards: a gift card with no code left fails it (nothing is used).
    const picked = await pickGiftCards(trx, { accountId, accruals, rewards: catalog.rewards, now });
    if (picked.skipped.length) {
      throw new DomainError(
        "GIFT_CARD_UNAVAILABLE",
        `code: the gift-card pool of reward ${picked.skipped[0]!.reward_id} has no unused code left`,
      );
    }
    const funded = await applyBudgets(trx, {
      accountId,
      accruals: picked.accruals,
      campaigns: [campaign],
      at: now,
    });
    if (funded.length < picked.accruals.length) {
      throw new DomainError(
        "BUDGET_EXHAUSTED",
        `code: the budget of coupon ${JSON.stringify(input.code)}'s campaign cannot cover its rewards`,
      );
    }

    const written = await writeCouponRedemption(trx, {
      accountId,
      customer,
      walletId: locked.walletId,
      campaign,
      code,
      accruals: funded,
      picks: picked.picks,
      rewardTypes: new Map([...rewards.values()].map((r) => [r.id, r.type])),
      payload: input,
      payloadHash: canonicalHash(input),
      brandId,
      now,
    });
    const answer = {
      customer: toCustomerView(customer, now),
      wallet: walletView({
        walletId: locked.walletId,
        customerUuid: customer.uuid,
        now,
        lines: written.lines,
        rewards: catalog.rewards,
      }),
      accumulations: written.accumulations,
      redemptions: [],
    };
    recordWalletWebhook(trx, {
      accountId,
      customerUuid: customer.uuid,
      now,
      event: "COUPON_REDEEMED",
      eventId: written.eventId,
      rows: { types: ["ACCUMULATION"] },
      known: { customerId: customer.id, wallet: answer.wallet },
      extra: () => ({ code: input.code }),
    });
    return answer;
  });
}

const conditionNotMet = (requirement: string) =>
  new DomainError("CONDITION_NOT_MET", `code: ${requirement}`, { extra: { requirement } });

/** Once per customer and code, and no more than the code's `max_uses`. */
async function assertLimits(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    code: Selectable<Database["coupon_codes"]>;
    input: TCouponRedeem;
  },
) {
  const previous = await trx
    .selectFrom("coupon_redemptions")
    .select("id")
    .where("account_id", "=", w.accountId)
    .where("code_id", "=", w.code.id)
    .where("customer_uuid", "=", w.customerUuid)
    .where("status", "=", "ACTIVE")
    .executeTakeFirst();
  if (previous) {
    throw new DomainError(
      "COUPON_ALREADY_REDEEMED",
      `code: customer ${JSON.stringify(w.input.customer_id)} has already redeemed coupon ${JSON.stringify(w.input.code)}`,
    );
  }
  if (!codeHasUsesLeft(w.code)) throw exhausted(w.input.code);
}
