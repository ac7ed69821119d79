import { DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import { json } from "@tally/db";
import type { TEvent } from "@tally/schemas";
import type { Transaction } from "kysely";
import { releaseCouponUse } from "../../coupons/index.ts";
import { type ServiceDeps, transact } from "../../kernel/index.ts";
import { recordWalletWebhook, settleHolds, toTransactionView } from "../../ledger/index.ts";
import { undoPrograms } from "../../programs/index.ts";
import { eventAnswer, expectStatus, lockEvent } from "./locked-event.ts";
import { type BudgetGiveBack, giveBackBudgets, undoEvent } from "./undo.ts";

type Trx = Transaction<Database>;

/**
 * POST /behavior/events/{id}/reverse (docs/api-decisions.md#reversal): PENDING → CANCELLED (its holds released);
 * RESOLVED → REVERSED (REVERSAL transactions undo its accumulations and redemptions, metrics and
 * budget use); anything else → 409. One transaction, wallet locked first, then the event.
 */
export async function reverseEvent(
  deps: ServiceDeps,
  opts: { accountId: string; id: string; reason?: string | null },
): Promise<TEvent> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const done = await reverseEventIn(trx, { ...opts, now });
    return eventAnswer(trx, { accountId: opts.accountId, ...done, now });
  });
}

/**
 * reverseEvent inside the caller's transaction. A coupon's event also gives its use back (the
 * code and the campaign's quantity), so a coupon can be reversed from either route.
 */
export async function reverseEventIn(
  trx: Trx,
  opts: {
    accountId: string;
    id: string;
    reason?: string | null;
    now: Date;
    /** Reversing a referrer's REFERRAL event with its referee's purchase (alone it is 409). */
    linked?: boolean;
    /** A linked reversal's budget give-backs go to its parent's, applied once at the end. */
    budgets?: BudgetGiveBack[];
  },
) {
  const { accountId, now } = opts;
  const budgets = opts.budgets ?? [];
  const locked = await lockEvent(trx, { accountId, id: opts.id, now });
  const { event, walletId } = locked;
  expectStatus(event, ["PENDING", "RESOLVED"], "reversed");
  if (event.source === "MIGRATION") {
    throw new DomainError(
      "CONFLICT",
      `source: event ${event.id} was migrated; migrated history cannot be reversed`,
    );
  }
  let customer = locked.customer;
  let result = event.result as TEvent["result"];
  const cancel = event.status === "PENDING";
  if (cancel) {
    await settleHolds(trx, { accountId, eventId: event.id, to: "RELEASED" });
  } else {
    if (event.source === "COUPON")
      await releaseCouponUse(trx, { accountId, eventId: event.id, now });
    // The referral first: the referrer's wallet is locked after the referee's, as when earning.
    await undoPrograms(trx, {
      accountId,
      event,
      linked: opts.linked ?? false,
      now,
      reverseLinked: async (id) => {
        const linked = await trx
          .selectFrom("events")
          .select("status")
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .executeTakeFirst();
        if (linked?.status !== "RESOLVED") return;
        await reverseEventIn(trx, {
          accountId,
          id,
          reason: opts.reason ?? null,
          now,
          linked: true,
          budgets,
        });
      },
    });
    const undone = await undoEvent(trx, { accountId, event, customer, walletId, now, budgets });
    if (!opts.budgets) await giveBackBudgets(trx, accountId, budgets);
    customer = undone.customer;
    // The answer's result.transactions lists the reversal rows after the original ones.
    const views = undone.transactions.map((t) => toTransactionView(t, locked.customerId));
    result = result && { ...result, transactions: [...result.transactions, ...views] };
  }
  const change = cancel
    ? { status: "CANCELLED" as const, cancelled_at: now }
    : { status: "REVERSED" as const, reversed_at: now };
  const updated = await trx
    .updateTable("events")
    .set({ ...change, reverse_reason: opts.reason ?? null, result: json(result) })
    .where("account_id", "=", accountId)
    .where("id", "=", event.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const reason = opts.reason ?? null;
  const about = { accountId, customerUuid: customer.uuid, now, eventId: event.id };
  if (cancel)
    recordWalletWebhook(trx, {
      ...about,
      event: "RESERVATION_CANCELLED",
      extra: () => ({ cause: "REVERSED" as const }),
    });
  else
    recordWalletWebhook(trx, {
      ...about,
      event: "REDEMPTION_REVERSED",
      rows: { types: ["REVERSAL"] },
      extra: () => ({ reason }),
    });
  return { event: updated, customer, customerId: locked.customerId, walletId };
}
