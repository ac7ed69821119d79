import type { Database } from "@tally/db";
import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import { liveReservedOf } from "../wallet.ts";

type Trx = Transaction<Database>;
type LineRow = Selectable<Database["wallet_lines"]>;

/**
 * One round trip for every write of an event: data-modifying CTEs insert the lots
 * and transactions, update the customer and insert the event; the statement
 * answers the event and the wallet's open lots as they were before this event
 * (exact amounts as text). Under the wallet lock nothing else can change them, so
 * old lots plus the new ones are the wallet after the event.
 */
export async function writeEvent(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    walletId: string;
    lines: Insertable<Database["wallet_lines"]>[];
    transactions: Insertable<Database["transactions"]>[];
    customerUpdate: { metrics: string; tier_id: string; updated_at: Date } | null;
    event: Insertable<Database["events"]>;
    existing: boolean;
    now: Date;
  },
): Promise<{ openLines: LineRow[] }> {
  let q: any = trx; // optional CTE steps are not expressible in Kysely's chained types
  if (w.lines.length > 0) {
    q = q.with("new_lines", (db: Trx) => db.insertInto("wallet_lines").values(w.lines));
  }
  if (w.transactions.length > 0) {
    q = q.with("new_transactions", (db: Trx) =>
      db.insertInto("transactions").values(w.transactions),
    );
  }
  if (w.customerUpdate) {
    const set = w.customerUpdate;
    q = q.with("updated_customer", (db: Trx) =>
      db
        .updateTable("customers")
        .set(set)
        .where("account_id", "=", w.accountId)
        .where("uuid", "=", w.customerUuid),
    );
  }
  // A fulfilled event keeps its id, creation time and origin; everything else is rewritten.
  const { account_id, id, created_at: _created, ...changes } = w.event;
  const row = await q
    .with("new_event", (db: Trx) =>
      w.existing
        ? db
            .updateTable("events")
            .set(changes)
            .where("account_id", "=", account_id)
            .where("id", "=", id)
            .returning("id")
        : db.insertInto("events").values(w.event).returning("id"),
    )
    .selectFrom("new_event")
    .select("new_event.id")
    .select(
      sql<OpenLineJson[]>`(
        select coalesce(json_agg(json_build_object(
          'id', l.id, 'reward_id', l.reward_id, 'campaign_id', l.campaign_id, 'brand_id', l.brand_id,
          'event_id', l.event_id, 'amount', l.amount::text, 'remaining', l.remaining::text,
          'reserved', (${liveReservedOf(w.now)})::text, 'issued_at', l.issued_at, 'expiration_date', l.expiration_date,
          'reservation_expires_at', l.reservation_expires_at)), '[]'::json)
        from wallet_lines l
        where l.account_id = ${w.accountId} and l.wallet_id = ${w.walletId} and l.remaining > 0
      )`.as("open_lines"),
    )
    .executeTakeFirstOrThrow();
  const { open_lines } = row as { open_lines: OpenLineJson[] };
  const date = (v: string | null) => (v ? new Date(v) : null);
  const openLines = open_lines.map(
    (l) =>
      ({
        ...l,
        account_id: w.accountId,
        wallet_id: w.walletId,
        issued_at: new Date(l.issued_at),
        expiration_date: date(l.expiration_date),
        reservation_expires_at: date(l.reservation_expires_at),
      }) as LineRow,
  );
  return { openLines };
}

interface OpenLineJson {
  id: string;
  reward_id: string;
  campaign_id: string | null;
  brand_id: string | null;
  event_id: string | null;
  amount: string;
  remaining: string;
  reserved: string;
  issued_at: string;
  expiration_date: string | null;
  reservation_expires_at: string | null;
}
