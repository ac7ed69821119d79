import type { Database } from "@tally/db";
import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import {
  EVENT_COLUMNS,
  insertRowsSql,
  LINE_COLUMNS,
  selectRows,
  TRANSACTION_COLUMNS,
} from "../kernel/index.ts";
import { liveReservedOf } from "./wallet.ts";

type Trx = Transaction<Database>;
type LineRow = Selectable<Database["wallet_lines"]>;

type Row<T extends keyof Database> = Insertable<Database[T]>;

/** The CTEs inserting an event's lots and transactions (either may be empty). */
const ledgerInserts = (lines: Row<"wallet_lines">[], transactions: Row<"transactions">[]) =>
  sql`new_lines as (${insertRowsSql("wallet_lines", LINE_COLUMNS, lines)}),
    new_transactions as (${insertRowsSql("transactions", TRANSACTION_COLUMNS, transactions)})`;

/**
 * A new event with its lots and transactions (jsonb columns as values), in one statement that
 * is the same for every event: what coupon redemptions and referrers' events write.
 */
export async function insertEventRows(
  trx: Trx,
  w: { event: Row<"events">; lines: Row<"wallet_lines">[]; transactions: Row<"transactions">[] },
): Promise<void> {
  await sql`with ${ledgerInserts(w.lines, w.transactions)}
    ${insertRowsSql("events", EVENT_COLUMNS, [w.event])}`.execute(trx);
}

/** An event's columns but its key and creation time: what fulfilling a stored event rewrites. */
const EVENT_CHANGE_COLUMNS = EVENT_COLUMNS.filter(
  ([name]) => !["account_id", "id", "created_at"].includes(name),
);

/**
 * One round trip for every write of an event: data-modifying CTEs insert the lots
 * and transactions, update the customer and insert the event; the statement
 * answers the event and the wallet's open lots as they were before this event
 * (exact amounts as text). Under the wallet lock nothing else can change them, so
 * old lots plus the new ones are the wallet after the event. The rows travel as
 * jsonb parameters, so the statement's text is the same for every event (two texts:
 * a new event, a fulfilled one) and each connection plans it once.
 */
export async function writeEvent(
  trx: Trx,
  w: {
    accountId: string;
    customerUuid: string;
    walletId: string;
    lines: Row<"wallet_lines">[];
    transactions: Row<"transactions">[];
    customerUpdate: { metrics: string; tier_id: string; updated_at: Date } | null;
    event: Insertable<Database["events"]>;
    existing: boolean;
    now: Date;
  },
): Promise<{ openLines: LineRow[] }> {
  const set = w.customerUpdate;
  // A fulfilled event keeps its id, creation time and origin; everything else is rewritten.
  const change = selectRows(EVENT_CHANGE_COLUMNS, [w.event]);
  const event = w.existing
    ? sql`update events set (${change.names}) = (${change.select})
        where account_id = ${w.accountId} and id = ${w.event.id} returning id`
    : sql`${insertRowsSql("events", EVENT_COLUMNS, [w.event])} returning id`;
  const { rows } = await sql<{ id: string; open_lines: OpenLineJson[] }>`
    with ${ledgerInserts(w.lines, w.transactions)},
    updated_customer as (
      update customers set metrics = ${set?.metrics ?? null}::jsonb, tier_id = ${set?.tier_id ?? null},
        updated_at = ${set?.updated_at ?? null}::timestamptz
      where account_id = ${w.accountId} and uuid = ${w.customerUuid} and ${set !== null}::boolean
    ),
    new_event as (${event})
    select new_event.id, (
      select coalesce(json_agg(json_build_object(
        'id', l.id, 'reward_id', l.reward_id, 'campaign_id', l.campaign_id, 'brand_id', l.brand_id,
        'event_id', l.event_id, 'amount', l.amount::text, 'remaining', l.remaining::text,
        'reserved', (${liveReservedOf(w.now)})::text, 'issued_at', l.issued_at, 'expiration_date', l.expiration_date,
        'reservation_expires_at', l.reservation_expires_at)), '[]'::json)
      from wallet_lines l
      where l.account_id = ${w.accountId} and l.wallet_id = ${w.walletId} and l.remaining > 0
    ) as open_lines
    from new_event`.execute(trx);
  const row = rows[0];
  if (!row) throw new Error(`event ${w.event.id} was not written`);
  const { open_lines } = row;
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
