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
