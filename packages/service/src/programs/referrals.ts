import { randomBytes } from "node:crypto";
import {
  type Accrual,
  campaignTakesEvent,
  codeFromBytes,
  codeKey,
  computeAccruals,
  DEFAULT_CODE_FORMAT,
  DomainError,
  type EventFacts,
  matchReferralSide,
  notFound,
  type PeriodMetrics,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { TReferralCode, TReferralCodeRequest } from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import type { Catalog } from "../catalog/index.ts";
import { isUuid } from "../catalog/index.ts";
import {
  type CustomerRow,
  consentsTo,
  findCustomer,
  lockCustomerByUuid,
} from "../customers/index.ts";
import {
  customerFacts,
  newId,
  pgCode,
  rewardFacts,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";

type Trx = Transaction<Database>;
type CodeRow = Selectable<Database["referral_codes"]>;

/** The event type of the referrer's event holding the referrer's rewards (source SYSTEM). */
export const REFERRAL_EVENT_TYPE = "REFERRAL";

/** What a referral code did to an event (the result's `referral`, extension). */
export interface ReferralOutcome {
  code: string;
  status: "REWARDED" | "NOT_REWARDED";
  /** Why not: UNKNOWN_CODE, SELF_REFERRAL, ALREADY_REWARDED, NOT_FIRST_PURCHASE, CAMPAIGN_NOT_RUNNING, NO_CONSENT, CONDITION_NOT_MET, BUDGET_EXHAUSTED, AMOUNT_TOO_LARGE; with REWARDED, REFERRER_NO_CONSENT (the referee alone was rewarded). */
  reason?: string;
  campaign_id?: string;
  referrer_id?: string;
  referrer_event_id?: string | null;
}

/** A referral about to be rewarded: both sides' accruals, before budgets are charged. */
export interface PreparedReferral {
  outcome: ReferralOutcome;
  code: CodeRow;
  campaign: Selectable<Database["campaigns"]>;
  referrer: { customer: CustomerRow; walletId: string };
  refereeAccruals: Accrual[];
  referrerAccruals: Accrual[];
}

const purchasesOf = (c: CustomerRow) =>
  Number((c.metrics as { lifetime?: PeriodMetrics } | null)?.lifetime?.number_of_purchases ?? 0);

/**
 * The referral a PURCHASE settles (docs/api-decisions.md#referrals), checked under the referee's wallet lock: the
 * referral recorded at registration, else the event's `referral_code`. It rewards only the
 * referee's first purchase (lifetime number_of_purchases 0 before it), once per referee, never a
 * customer's own code, while the code's REFERRALS campaign takes the event. Locks the referrer's
 * wallet (after the referee's) and answers both sides' accruals; or an outcome saying why not
 * (the purchase itself always succeeds); or null when no referral is involved.
 */
export async function prepareReferral(
  trx: Trx,
  o: {
    accountId: string;
    catalog: Catalog;
    customer: CustomerRow;
    referralCode: string | null;
    event: EventFacts;
    now: Date;
    /** Whether a referral names the customer as referee (lockCustomer reads it); unknown: looked up. */
    isReferee?: boolean | undefined;
  },
): Promise<{ prepared: PreparedReferral | null; outcome: ReferralOutcome } | null> {
  const { accountId, customer } = o;
  if (o.isReferee === false && !o.referralCode) return null;
  const existing = await trx
    .selectFrom("referrals")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("referee_uuid", "=", customer.uuid)
    .executeTakeFirst();
  if (!existing && !o.referralCode) return null;
  if (existing?.status === "REWARDED" && !o.referralCode) return null;
  let q = trx.selectFrom("referral_codes").selectAll().where("account_id", "=", accountId);
  q = existing
    ? q.where("id", "=", existing.code_id)
    : q.where(sql<string>`lower(code)`, "=", codeKey(o.referralCode!));
  const code = await q.executeTakeFirst();
  const no = (reason: string, extra: Partial<ReferralOutcome> = {}) => ({
    prepared: null,
    outcome: {
      code: code?.code ?? o.referralCode!,
      status: "NOT_REWARDED" as const,
      reason,
      ...extra,
    },
  });
  if (!code) return no("UNKNOWN_CODE");
  if (existing?.status === "REWARDED") return no("ALREADY_REWARDED");
  if (code.customer_uuid === customer.uuid) return no("SELF_REFERRAL");
  if (purchasesOf(customer) > 0) return no("NOT_FIRST_PURCHASE");
  const entry = o.catalog.referrals.get(code.campaign_id);
  const at = o.event.issued_at.getTime();
  if (!entry || !campaignTakesEvent(entry.compiled.campaign, o.event, at)) {
    return no("CAMPAIGN_NOT_RUNNING", { campaign_id: code.campaign_id });
  }
  if (!consentsTo(customer, "behavioral_campaigns")) return no("NO_CONSENT");
  const referrer = await lockCustomerByUuid(trx, accountId, code.customer_uuid);
  const rewards = new Map([...o.catalog.rewards].map(([id, r]) => [id, rewardFacts(r)]));
  // Each side's lots run from when they are credited: the referee's with the purchase, the
  // referrer's with its REFERRAL event, now (a back-dated purchase does not shorten them).
  const side = (compiled: typeof entry.compiled, who: CustomerRow, issuedAt: Date) =>
    computeAccruals({
      matches: matchReferralSide({
        compiled,
        event: o.event,
        customer: customerFacts(who),
        now: o.now,
      }),
      rewards,
      event: issuedAt === o.event.issued_at ? o.event : { ...o.event, issued_at: issuedAt },
    });
  // A referrer who withdrew consent to behavioural campaigns is not rewarded (docs/api-decisions.md#referrals);
  // the referee still is.
  const referrerConsents = consentsTo(referrer.customer, "behavioral_campaigns");
  let refereeAccruals: Accrual[];
  let referrerAccruals: Accrual[];
  try {
    refereeAccruals = side(entry.referee, customer, o.event.issued_at);
    referrerAccruals = referrerConsents ? side(entry.compiled, referrer.customer, o.now) : [];
  } catch (error) {
    // A credit over what one lot holds (per unit spent × a large order): the purchase goes on,
    // unrewarded for the referral, as when its budget cannot pay.
    if (error instanceof DomainError && error.code === "AMOUNT_TOO_LARGE") {
      return no("AMOUNT_TOO_LARGE", { campaign_id: code.campaign_id });
    }
    throw error;
  }
  const outcome: ReferralOutcome = {
    code: code.code,
    status: "REWARDED",
    campaign_id: code.campaign_id,
    referrer_id: referrer.customer.id,
    ...(referrerConsents ? {} : { reason: "REFERRER_NO_CONSENT" }),
  };
  if (refereeAccruals.length + referrerAccruals.length === 0) {
    return no("CONDITION_NOT_MET", { campaign_id: code.campaign_id });
  }
  return {
    prepared: { outcome, code, campaign: entry.row, referrer, refereeAccruals, referrerAccruals },
    outcome,
  };
}

/** Marks the referral REWARDED by the referee's event (one row per referee) and counts the code's use. */
export async function markReferralRewarded(
  trx: Trx,
  o: {
    accountId: string;
    prepared: PreparedReferral;
    refereeUuid: string;
    eventId: string;
    referrerEventId: string | null;
    now: Date;
  },
): Promise<void> {
  const { code } = o.prepared;
  const values = {
    campaign_id: code.campaign_id,
    code_id: code.id,
    referrer_uuid: code.customer_uuid,
    status: "REWARDED" as const,
    event_id: o.eventId,
    referrer_event_id: o.referrerEventId,
    rewarded_at: o.now,
    reversed_at: null, // a referral rewarded again after a reversal
  };
  await trx
    .insertInto("referrals")
    .values({
      account_id: o.accountId,
      id: newId(),
      referee_uuid: o.refereeUuid,
      created_at: o.now,
      ...values,
    })
    .onConflict((oc) => oc.columns(["account_id", "referee_uuid"]).doUpdateSet(values))
    .execute();
  await trx
    .updateTable("referral_codes")
    .set({ uses_count: sql`uses_count + 1` })
    .where("account_id", "=", o.accountId)
    .where("id", "=", code.id)
    .execute();
}

/**
 * `referral_code` on POST /customers: records the new customer as that code's referee (PENDING
 * until their first purchase). An unknown code is a 404 naming the field; nothing is written.
 */
export async function registerReferral(
  trx: Trx,
  o: { accountId: string; refereeUuid: string; code: string; now: Date },
): Promise<void> {
  const code = await trx
    .selectFrom("referral_codes")
    .selectAll()
    .where("account_id", "=", o.accountId)
    .where(sql<string>`lower(code)`, "=", codeKey(o.code))
    .executeTakeFirst();
  if (!code) {
    throw new DomainError("NOT_FOUND", `referral_code: no referral code ${JSON.stringify(o.code)}`);
  }
  await trx
    .insertInto("referrals")
    .values({
      account_id: o.accountId,
      id: newId(),
      campaign_id: code.campaign_id,
      code_id: code.id,
      referrer_uuid: code.customer_uuid,
      referee_uuid: o.refereeUuid,
      status: "PENDING",
      event_id: null,
      referrer_event_id: null,
      created_at: o.now,
      rewarded_at: null,
      reversed_at: null,
    })
    .execute();
}

/**
 * A reversed event's referral: the referee's first purchase being reversed marks its referral
 * REVERSED (a later first purchase may reward it again), gives the code's use back and reverses
 * the referrer's REFERRAL event through `reverseLinked`. A REFERRAL event cannot be reversed on
 * its own (409): it goes with the referee's purchase.
 */
export async function undoReferral(
  trx: Trx,
  o: {
    accountId: string;
    event: Selectable<Database["events"]>;
    linked: boolean;
    now: Date;
    reverseLinked: (eventId: string) => Promise<void>;
  },
): Promise<void> {
  const { event } = o;
  if (event.source === "SYSTEM" && event.type === REFERRAL_EVENT_TYPE && !o.linked) {
    const r = event.result as { referral?: { event_id?: string } } | null;
    throw new DomainError(
      "CONFLICT",
      `event ${event.id}: a referrer's REFERRAL event is reversed with the referee's purchase (event ${r?.referral?.event_id ?? "?"})`,
    );
  }
  const referral = await trx
    .updateTable("referrals")
    .set({ status: "REVERSED", reversed_at: o.now })
    .where("account_id", "=", o.accountId)
    .where("event_id", "=", event.id)
    .where("status", "=", "REWARDED")
    .returning(["code_id", "referrer_event_id"])
    .executeTakeFirst();
  if (!referral) return;
  await trx
    .updateTable("referral_codes")
    .set({ uses_count: sql`greatest(uses_count - 1, 0)` })
    .where("account_id", "=", o.accountId)
    .where("id", "=", referral.code_id)
    .execute();
  if (referral.referrer_event_id) await o.reverseLinked(referral.referrer_event_id);
}

/** A code row → Masivo's referral code. */
function toReferralCodeView(c: CodeRow, customerId: string): TReferralCode {
  return {
    id: c.id,
    code: c.code,
    customer_id: customerId,
    campaign_id: c.campaign_id,
    uses_count: c.uses_count,
    max_uses: c.max_uses,
    created_at: c.created_at.toISOString(),
    metadata: (c.metadata as Record<string, unknown>) ?? {},
  };
}

/**
 * POST /customers/{id}/referrals/request-code: the customer's code for a REFERRALS campaign,
 * created on first request (201; 8 characters of the coupon alphabet, unique per account
 * case-insensitively), else the existing one (200). Unknown customer or campaign → 404; another
 * campaign type → 422; a finished campaign → 409; `brand_id` is required (and must match) when
 * the campaign has a brand → 400.
 */
export async function requestReferralCode(
  deps: ServiceDeps,
  accountId: string,
  customerId: string,
  input: TReferralCodeRequest,
): Promise<{ status: 200 | 201; code: TReferralCode }> {
  const now = deps.now();
  const customer = await findCustomer(deps.db, accountId, customerId);
  const campaign = isUuid(input.campaign_id)
    ? await deps.db
        .selectFrom("campaigns")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", input.campaign_id)
        .executeTakeFirst()
    : undefined;
  if (!campaign) throw notFound("campaign", input.campaign_id);
  if (campaign.type !== "REFERRALS") {
    throw new DomainError(
      "UNSUPPORTED",
      `campaign_id: campaign ${campaign.id} is a ${campaign.type} campaign, not REFERRALS`,
    );
  }
  if (campaign.brand_id && input.brand_id !== campaign.brand_id) {
    throw new DomainError(
      "VALIDATION_FAILED",
      input.brand_id
        ? `brand_id: the campaign belongs to brand ${JSON.stringify(campaign.brand_id)}, not ${JSON.stringify(input.brand_id)}`
        : `brand_id: is required for a campaign of brand ${JSON.stringify(campaign.brand_id)}`,
    );
  }
  const find = () =>
    deps.db
      .selectFrom("referral_codes")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("campaign_id", "=", campaign.id)
      .where("customer_uuid", "=", customer.uuid)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return { status: 200, code: toReferralCodeView(existing, customer.id) };
  if (campaign.end_date && campaign.end_date <= now) {
    throw new DomainError("CONFLICT", `campaign_id: campaign ${campaign.id} has finished`);
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await transact(deps, async (trx) => {
        const row = await trx
          .insertInto("referral_codes")
          .values({
            account_id: accountId,
            id: newId(),
            campaign_id: campaign.id,
            customer_uuid: customer.uuid,
            code: codeFromBytes(DEFAULT_CODE_FORMAT, randomBytes(DEFAULT_CODE_FORMAT.length)),
            max_uses: null,
            metadata: JSON.stringify({}),
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { status: 201 as const, code: toReferralCodeView(row, customer.id) };
      });
    } catch (error) {
      if (pgCode(error) !== "23505") throw error;
      // A concurrent request created the customer's code: answer it; else the code clashed, draw again.
      const raced = await find();
      if (raced) return { status: 200, code: toReferralCodeView(raced, customer.id) };
    }
  }
  throw new Error("could not draw a unique referral code");
}
