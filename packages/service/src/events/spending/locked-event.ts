import { DomainError, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type { TEvent } from "@tally/schemas";
import type { Transaction } from "kysely";
import { type CustomerRow, customerWithWallet, lockCustomerByUuid } from "../../customers/index.ts";
import { releaseExpiredHolds } from "../../ledger/index.ts";
import type { EventRow } from "../process.ts";
import { toEventView } from "../view.ts";

type Trx = Transaction<Database>;

/**
 * Locks an event for a state change, in the one lock order: the customer's wallet (and
 * customer) first, then — after expired holds of that wallet are released, which may turn the
 * event EXPIRED — the event row. 404 when the account has no such event. The customer is locked
 * by its uuid, which never changes (its id may, by identification, until the lock is held).
 */
export async function lockEvent(trx: Trx, opts: { accountId: string; id: string; now: Date }) {
  const head = await trx
    .selectFrom("events")
    .select("customer_uuid")
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .executeTakeFirst();
  if (!head) throw notFound("event", opts.id);
  const locked = await lockCustomerByUuid(trx, opts.accountId, head.customer_uuid);
  await releaseExpiredHolds(
    trx,
    { account_id: opts.accountId, wallet_id: locked.walletId, customer_uuid: locked.customer.uuid },
    opts.now,
  );
  const event = await trx
    .selectFrom("events")
    .selectAll()
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { ...locked, event, customerId: locked.customer.id };
}

/** 409 unless the event is in one of `allowed`. */
export function expectStatus(event: EventRow, allowed: string[], action: string): void {
  if (!allowed.includes(event.status)) {
    throw new DomainError(
      "CONFLICT",
      `status: event ${event.id} is ${event.status}; only ${allowed.join(" or ")} events can be ${action}`,
    );
  }
}

/** The event as the API answers a state change: its view plus the customer and wallet now. */
export async function eventAnswer(
  trx: Trx,
  opts: {
    accountId: string;
    event: EventRow;
    customer: CustomerRow;
    customerId: string;
    now: Date;
  },
): Promise<TEvent> {
  const view = toEventView(opts.event, opts.customerId);
  const current = await customerWithWallet(trx, opts.accountId, opts.customer, opts.now);
  return { ...view, result: view.result && { ...view.result, ...current } };
}
