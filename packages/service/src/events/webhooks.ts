import type { Database } from "@tally/db";
import type { TCustomer, TTransaction, TWallet } from "@tally/schemas";
import type { Transaction } from "kysely";
import { recordWalletWebhook } from "../ledger/index.ts";

type Trx = Transaction<Database>;

/**
 * The webhooks of an event just processed, in the order a receiver reads them: the customer's
 * registration or the reservation first, then what it spent, what it earned, the tier it
 * reached. `transactions` are the event's rows, `wallet` the wallet after it.
 */
export function recordEventWebhooks(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    customerId: string;
    now: Date;
    eventId: string;
    /** REGISTRATION: a new customer; PENDING: a reservation made; FULFILLED: one fulfilled. */
    kind: "REGISTRATION" | "PENDING" | "FULFILLED" | "RESOLVED";
    transactions: TTransaction[];
    wallet: TWallet;
    customer?: TCustomer;
    tier?: { from: string; to: string };
    /** A reservation's end (PENDING). */
    expiresAt?: Date | null;
  },
): void {
  const base = {
    accountId: w.accountId,
    customerUuid: w.customerUuid,
    now: w.now,
    eventId: w.eventId,
  };
  const known = (types: TTransaction["type"][] | null) => ({
    customerId: w.customerId,
    wallet: w.wallet,
    transactions: types ? w.transactions.filter((t) => types.includes(t.type)) : w.transactions,
  });
  if (w.kind === "REGISTRATION" && w.customer) {
    const customer = w.customer;
    recordWalletWebhook(trx, {
      ...base,
      event: "CUSTOMER_REGISTRATION",
      known: known(null),
      extra: () => ({ customer }),
    });
  }
  if (w.kind === "PENDING") {
    const expires_at = w.expiresAt?.toISOString() ?? null;
    recordWalletWebhook(trx, {
      ...base,
      event: "RESERVATION_CREATED",
      known: known(null),
      extra: () => ({ expires_at }),
    });
  }
  if (w.kind === "FULFILLED")
    recordWalletWebhook(trx, { ...base, event: "RESERVATION_FULFILLED", known: known(null) });
  if (w.transactions.some((t) => t.type === "REDEMPTION"))
    recordWalletWebhook(trx, {
      ...base,
      event: "CUSTOMER_REDEMPTION",
      known: known(["REDEMPTION"]),
    });
  if (w.transactions.some((t) => t.type === "ACCUMULATION"))
    recordWalletWebhook(trx, {
      ...base,
      event: "CUSTOMER_ACCUMULATION",
      known: known(["ACCUMULATION"]),
    });
  const tier = w.tier;
  if (tier && tier.from !== tier.to)
    recordWalletWebhook(trx, {
      ...base,
      event: "TIER_UPGRADE",
      known: known(null),
      extra: () => ({ tier }),
    });
}
