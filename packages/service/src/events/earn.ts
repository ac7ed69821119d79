import {
  type Accrual,
  computeAccruals,
  type EventFacts,
  matchCampaigns,
  type PunchOutcome,
  punchCards,
  type RewardFacts,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable, Transaction } from "kysely";
import type { Catalog } from "../catalog/index.ts";
import { applyBudgets } from "../catalog/index.ts";
import { consentsTo } from "../customers/index.ts";
import { customerFacts, type EventPayload, rewardFacts } from "../kernel/index.ts";
import {
  type GiftCardPicks,
  loadStamps,
  type PreparedReferral,
  pickGiftCards,
  prepareReferral,
  type ReferralOutcome,
  type SkippedGiftCard,
} from "../programs/index.ts";

type Trx = Transaction<Database>;
type CampaignRow = Selectable<Database["campaigns"]>;

/** What an event earns, budgets charged and gift-card codes picked, ready to be written. */
export interface Earned {
  /** Accruals credited to the event's customer (BEHAVIOR, completed punch cards, referee side). */
  accruals: Accrual[];
  /** Gift-card codes picked for accruals (the customer's and the referrer's). */
  picks: GiftCardPicks;
  /** The customer's GIFT_CARD units no code was left for. */
  skipped: SkippedGiftCard[];
  /** The stamps to record (a card whose completion its budget could not pay is not stamped). */
  stamps: PunchOutcome[];
  /** Stamps per card of `stamps`' campaigns: what fills a card. */
  punchesOf: Map<string, number>;
  /** The referral the event settles, if any: rewarded when `prepared` is set. */
  referral: {
    outcome: ReferralOutcome;
    prepared: PreparedReferral | null;
    referrerAccruals: Accrual[];
    referrerSkipped: SkippedGiftCard[];
  } | null;
  /** Every campaign an accrual may name. */
  campaigns: CampaignRow[];
}

const NOTHING: Earned = {
  accruals: [],
  picks: new Map(),
  skipped: [],
  stamps: [],
  punchesOf: new Map(),
  referral: null,
  campaigns: [],
};

/**
 * Matches an event against the catalog: BEHAVIOR campaigns (consent behavioral_campaigns),
 * PUNCH_CARDS stamps (consent punchcard_campaigns), and a PURCHASE's referral (which locks the
 * referrer's wallet, after the customer's). Gift-card codes are picked before budgets are
 * charged, so a budget pays only for cards there are codes for; then every budget is charged in
 * one pass (ascending campaign id, the lock order). Migrated and unfulfilled events earn nothing.
 */
export async function earnEvent(
  trx: Trx,
  o: {
    accountId: string;
    catalog: Catalog;
    customer: Selectable<Database["customers"]>;
    payload: EventPayload;
    facts: EventFacts;
    source: string;
    pending: boolean;
    now: Date;
    /** Whether a referral names the customer as referee (unknown: looked up). */
    isReferee?: boolean | undefined;
  },
): Promise<Earned> {
  const { customer, catalog, facts, now } = o;
  if (o.source === "MIGRATION" || o.pending) return NOTHING;
  const who = customerFacts(customer);
  const rewards = new Map<string, RewardFacts>();
  const rewardOf = (id: string) => {
    const row = catalog.rewards.get(id);
    if (row && !rewards.has(id)) rewards.set(id, rewardFacts(row));
  };

  const behavior = consentsTo(customer, "behavioral_campaigns")
    ? (catalog.campaigns.get(o.payload.type) ?? [])
    : [];
  const matches = behavior.length
    ? matchCampaigns({
        campaigns: behavior.map((c) => c.compiled),
        event: facts,
        customer: who,
        now,
      })
    : [];

  const cards = consentsTo(customer, "punchcard_campaigns")
    ? (catalog.punchCards.get(o.payload.type) ?? [])
    : [];
  let outcomes: PunchOutcome[] = [];
  if (cards.length) {
    const stamps = await loadStamps(trx, {
      accountId: o.accountId,
      customerUuid: customer.uuid,
      campaignIds: cards.map((c) => c.row.id),
    });
    outcomes = punchCards({
      campaigns: cards,
      stampsOf: (id) => stamps.get(id) ?? 0,
      event: facts,
      customer: who,
      now,
    });
  }
  const completions = outcomes.flatMap((p) => p.matches);
  for (const m of [...matches, ...completions]) for (const e of m.effects) rewardOf(e.reward_id);
  const own = computeAccruals({ matches: [...matches, ...completions], rewards, event: facts });

  const referral =
    o.payload.type === "PURCHASE"
      ? await prepareReferral(trx, {
          accountId: o.accountId,
          catalog,
          customer,
          referralCode: o.payload.referral_code ?? null,
          isReferee: o.isReferee,
          event: facts,
          now,
        })
      : null;
  const prepared = referral?.prepared ?? null;

  const rewardRows = catalog.rewards;
  const taken: string[] = []; // both sides draw from the same pools in this transaction
  const mine = await pickGiftCards(trx, {
    accountId: o.accountId,
    accruals: [...own, ...(prepared?.refereeAccruals ?? [])],
    rewards: rewardRows,
    now,
    taken,
  });
  const theirs = await pickGiftCards(trx, {
    accountId: o.accountId,
    accruals: prepared?.referrerAccruals ?? [],
    rewards: rewardRows,
    now,
    taken,
  });
  const campaigns = [
    ...behavior.map((c) => c.row),
    ...cards.map((c) => c.row),
    ...(prepared ? [prepared.campaign] : []),
  ];
  const funded = new Set(
    await applyBudgets(trx, {
      accountId: o.accountId,
      accruals: [...mine.accruals, ...theirs.accruals],
      campaigns,
      at: now,
    }),
  );
  const dropped = (campaignId: string, list: Accrual[]) =>
    list.some((a) => a.campaign_id === campaignId) &&
    !list.some((a) => a.campaign_id === campaignId && funded.has(a));
  const all = [...mine.accruals, ...theirs.accruals];
  // A completion its budget cannot pay does not count: the card keeps its stamps.
  const stamps = outcomes.filter((p) => !(p.completed && dropped(p.campaign_id, all)));
  let referralOut: Earned["referral"] = null;
  if (referral) {
    const budgetless = prepared && dropped(prepared.campaign.id, all);
    referralOut = budgetless
      ? {
          outcome: { ...referral.outcome, status: "NOT_REWARDED", reason: "BUDGET_EXHAUSTED" },
          prepared: null,
          referrerAccruals: [],
          referrerSkipped: [],
        }
      : {
          outcome: referral.outcome,
          prepared,
          referrerAccruals: theirs.accruals.filter((a) => funded.has(a)),
          referrerSkipped: theirs.skipped,
        };
  }
  return {
    // A referral over budget loses both sides at once: applyBudgets drops whole campaigns.
    accruals: mine.accruals.filter((a) => funded.has(a)),
    picks: new Map([...mine.picks, ...theirs.picks]),
    skipped: mine.skipped,
    stamps,
    punchesOf: new Map(cards.map((c) => [c.row.id, c.punches])),
    referral: referralOut,
    campaigns,
  };
}
