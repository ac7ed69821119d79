import type { Database } from "@tally/db";
import type { TTransaction, TWallet, TWebhookData, TWebhookEvent } from "@tally/schemas";
import type { Transaction } from "kysely";
import { recordWebhook } from "../webhooks/index.ts";
import { toTransactionView } from "./views.ts";
import { loadWalletView } from "./wallet.ts";

type Trx = Transaction<Database>;
type TxType = TTransaction["type"];

/** The events whose data is a customer's change: customer id, ledger rows, wallet after. */
export type WalletEvent = Exclude<TWebhookEvent, "MIGRATION_COMPLETED">;
type Common = "customer_id" | "event_id" | "transactions" | "wallet";

/**
 * Records a webhook about a customer's wallet (see recordWebhook): its data is the customer's
 * id, the ledger rows of the change — `known` ones, or read back by event and type, or by lot
 * for an expiry — and the wallet as the transaction leaves it, plus `extra`. Nothing of it is
 * read when no subscription wants the event.
 */
export function recordWalletWebhook<E extends WalletEvent>(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    now: Date;
    event: E;
    eventId: string | null;
    /** Ledger rows to read back: the event's of these types, or these lots' EXPIRATION rows. */
    rows?: { types: TxType[] } | { expiredLines: string[] };
    known?: { customerId?: string; wallet?: TWallet; transactions?: TTransaction[] };
    extra?: (customerId: string) => Omit<TWebhookData<E>, Common>;
  },
): void {
  recordWebhook(trx, {
    accountId: w.accountId,
    event: w.event,
    customerUuid: w.customerUuid,
    now: w.now,
    data: async () => {
      const known = w.known?.customerId && w.known.wallet;
      const owner = known
        ? { id: w.known!.customerId!, wallet_id: "" }
        : await trx
            .selectFrom("customers as c")
            .innerJoin("wallets as wl", (j) =>
              j
                .onRef("wl.account_id", "=", "c.account_id")
                .onRef("wl.customer_uuid", "=", "c.uuid"),
            )
            .select(["c.id", "wl.id as wallet_id"])
            .where("c.account_id", "=", w.accountId)
            .where("c.uuid", "=", w.customerUuid)
            .executeTakeFirstOrThrow();
      const customerId = w.known?.customerId ?? owner.id;
      const wallet =
        w.known?.wallet ??
        (await loadWalletView(trx, {
          accountId: w.accountId,
          walletId: owner.wallet_id,
          customerUuid: w.customerUuid,
          now: w.now,
        }));
      const transactions = w.known?.transactions ?? (await readRows(trx, w, customerId));
      return {
        customer_id: customerId,
        event_id: w.eventId,
        transactions,
        wallet,
        ...w.extra?.(customerId),
      } as TWebhookData<E>;
    },
  });
}

async function readRows(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    eventId: string | null;
    now: Date;
    rows?: { types: TxType[] } | { expiredLines: string[] };
  },
  customerId: string,
): Promise<TTransaction[]> {
  const rows = w.rows;
  if (!rows) return [];
  let query = trx
    .selectFrom("transactions")
    .selectAll()
    .where("account_id", "=", w.accountId)
    .where("customer_uuid", "=", w.customerUuid)
    .orderBy("id");
  if ("types" in rows) {
    if (!w.eventId || rows.types.length === 0) return [];
    query = query.where("event_id", "=", w.eventId).where("type", "in", rows.types);
  } else {
    if (rows.expiredLines.length === 0) return [];
    query = query
      .where("line_id", "in", rows.expiredLines)
      .where("type", "=", "EXPIRATION")
      .where("created_at", "=", w.now);
  }
  return (await query.execute()).map((t) => toTransactionView(t, customerId));
}
