import { DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import { type Selectable, type SelectQueryBuilder, sql } from "kysely";

/**
 * One page of a filtered list by 0-based inclusive indexes (oldest first), with
 * the total count, as Masivo's list endpoints answer `from`, `to` and `count`.
 */
export async function listPage<TB extends "rewards" | "campaigns">(
  query: SelectQueryBuilder<Database, TB, object>,
  range: { from: number; to: number },
) {
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy(sql`created_at`)
      .orderBy(sql`id`)
      .offset(range.from)
      .limit(range.to - range.from + 1)
      .execute(),
    query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  return pageOf(rows as Selectable<Database[TB]>[], range, Number((total as { n: number }).n));
}

/** One page's rows with `from`, `to` (the index of its last row) and the total `count`. */
export function pageOf<R>(rows: R[], range: { from: number }, count: number) {
  return { rows, from: range.from, to: range.from + Math.max(rows.length - 1, 0), count };
}

/** Where a cursor-paged list resumes: after the row with id `cursor`, at most `limit` rows. */
export interface CursorPage {
  cursor?: string | undefined;
  limit: number;
}

/**
 * One page of a list ordered by id: `fetch` reads up to `take` rows with id after `after`;
 * `next_cursor` is the last row's id when more rows follow, null on the last page. The ids of
 * our rows are time-ordered UUIDs or an account's own strings, so a page never shifts when
 * rows are added before it.
 */
export async function cursorPageOf<R extends { id: string }>(
  page: CursorPage,
  fetch: (q: { after: string | undefined; take: number }) => Promise<R[]>,
): Promise<{ items: R[]; next_cursor: string | null }> {
  const rows = await fetch({ after: page.cursor, take: page.limit + 1 });
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  return { items, next_cursor: more ? items[items.length - 1]!.id : null };
}

/** The cursor of a list ordered by uuid: a uuid, else VALIDATION_FAILED (not a 500 from the database). */
export function uuidCursor(cursor: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cursor))
    throw new DomainError("VALIDATION_FAILED", "cursor: is not a cursor of this list");
  return cursor;
}
