import type { TEvent } from "@tally/schemas";
import { sql } from "kysely";
import { findCustomer } from "../customers/index.ts";
import { type CursorPage, cursorPageOf, type ServiceDeps, uuidCursor } from "../kernel/index.ts";
import { toEventView } from "./view.ts";

type EventPage = { items: TEvent[]; next_cursor: string | null };

/** events.list by customer (internal API): the customer's events, newest first, cursor-paged. */
export async function listEventsOfCustomer(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & { customer_id: string },
): Promise<EventPage> {
  const customer = await findCustomer(deps.db, accountId, q.customer_id);
  const before = q.cursor === undefined ? undefined : uuidCursor(q.cursor);
  const page = await cursorPageOf({ ...q, cursor: before }, ({ after, take }) => {
    let query = deps.db
      .selectFrom("events")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("customer_uuid", "=", customer.uuid);
    // Ids are time-ordered: newest first, the next page below the cursor.
    if (after !== undefined) query = query.where("id", "<", after);
    return query.orderBy("id", "desc").limit(take).execute();
  });
  return { ...page, items: page.items.map((e) => toEventView(e, customer.id)) };
}

/**
 * events.list by day (internal API): the account's events created on one UTC day
 * (`YYYY-MM-DD`), oldest first, cursor-paged.
 */
export async function listEventsOfDay(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & { date: string },
): Promise<EventPage> {
  const day = new Date(`${q.date}T00:00:00Z`);
  const after0 = q.cursor === undefined ? undefined : uuidCursor(q.cursor);
  const page = await cursorPageOf({ ...q, cursor: after0 }, ({ after, take }) => {
    let query = deps.db
      .selectFrom("events as e")
      .innerJoin("customers as c", (j) =>
        j.onRef("c.account_id", "=", "e.account_id").onRef("c.uuid", "=", "e.customer_uuid"),
      )
      .selectAll("e")
      .select("c.id as customer_id")
      .where("e.account_id", "=", accountId)
      .where("e.created_at", ">=", day)
      .where("e.created_at", "<", sql<Date>`${day}::timestamptz + interval '1 day'`);
    if (after !== undefined) query = query.where("e.id", ">", after);
    return query.orderBy("e.id").limit(take).execute();
  });
  return { ...page, items: page.items.map((e) => toEventView(e, e.customer_id)) };
}
