import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@tally/db";

/** A fresh temporary directory for one test's files. */
export const tempDir = () => mkdtemp(join(tmpdir(), "tally-import-"));

/** Writes NDJSON lines (objects, or raw strings written as they are). */
export async function writeNdjson(path: string, lines: unknown[]) {
  await writeFile(
    path,
    `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`,
  );
  return path;
}

/** Reads a rejected-rows report (empty when absent). */
export async function readReport(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Rows of the account's ledger: count and exact sum per type. */
export async function ledgerOf(db: Db, accountId: string) {
  const rows = await db
    .selectFrom("transactions")
    .select(["type", (eb) => eb.fn.countAll<number>().as("n")])
    .where("account_id", "=", accountId)
    .groupBy("type")
    .orderBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

/** The lifetime metrics of a customer. */
export async function lifetimeOf(db: Db, accountId: string, id: string) {
  const row = await db
    .selectFrom("customers")
    .select("metrics")
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return (row.metrics as { lifetime: Record<string, unknown> }).lifetime;
}
