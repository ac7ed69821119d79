import { formatIssues, MIGRATION_FILE_ITEM_SCHEMAS, type TMigrationType } from "@tally/schemas";
import { z } from "zod";
import { quickTransactionsItem } from "./quick-validate.ts";

const RECORD_FIELD = { CUSTOMERS: "balance", EVENTS: "events", TRANSACTIONS: "transactions" };

/** A rejected source line and why. */
export interface TLineProblem {
  line: number;
  reason: string;
}

/** One customer item read from the file: its line range and either the parsed item or its problems. */
export interface TSourceItem {
  first: number;
  last: number;
  lines: number[];
  customerId: string | null;
  item?: unknown;
  problems?: TLineProblem[];
}

/** The item schema of a type as a file holds it: a customer, or one customer's whole history. */
export const itemSchemaOf = (type: TMigrationType) => MIGRATION_FILE_ITEM_SCHEMAS[type];

/** A source item rejected before it reached the database. */
export function rejected(
  first: number,
  lines: number[],
  customerId: string | null,
  problems: TLineProblem[],
): TSourceItem {
  return { first, last: lines[lines.length - 1]!, lines, customerId, problems };
}

/**
 * Validates one raw item with the migrate item schema. An issue inside the j-th record is
 * reported on the line that record came from (CSV: `recordRows[j]` of `lines`), any other
 * issue on the item's first line; the item's other lines are rejected with it.
 */
export function validateItem(w: {
  type: TMigrationType;
  raw: unknown;
  lines: number[];
  recordRows?: number[];
  /** Try the fast accept of plain transactions items first (default true; see quick-validate.ts). */
  quick?: boolean;
}): TSourceItem {
  const first = w.lines[0]!;
  const id = (w.raw as { id?: unknown } | null)?.id;
  const customerId = typeof id === "string" ? id : null;
  const quick =
    w.type === "TRANSACTIONS" && w.quick !== false ? quickTransactionsItem(w.raw) : undefined;
  if (quick !== undefined)
    return { first, last: w.lines[w.lines.length - 1]!, lines: w.lines, customerId, item: quick };
  const parsed = itemSchemaOf(w.type).safeParse(w.raw);
  if (parsed.success)
    return {
      first,
      last: w.lines[w.lines.length - 1]!,
      lines: w.lines,
      customerId,
      item: parsed.data,
    };
  const byLine = new Map<number, z.core.$ZodIssue[]>();
  for (const issue of parsed.error.issues) {
    const [field, j] = issue.path;
    const row =
      field === RECORD_FIELD[w.type] && typeof j === "number" && w.recordRows
        ? w.recordRows[j]
        : undefined;
    const line = row === undefined ? first : w.lines[row]!;
    byLine.set(line, [...(byLine.get(line) ?? []), issue]);
  }
  const problems: TLineProblem[] = w.lines.map((line) => {
    const issues = byLine.get(line);
    if (issues) return { line, reason: formatIssues(new z.ZodError(issues)) };
    return { line, reason: `rejected with the other rows of customer ${customerId ?? "?"}` };
  });
  return rejected(first, w.lines, customerId, problems);
}
