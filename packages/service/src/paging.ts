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
  return {
    rows: rows as Selectable<Database[TB]>[],
    from: range.from,
    to: range.from + Math.max(rows.length - 1, 0),
    count: Number((total as { n: number }).n),
  };
}
