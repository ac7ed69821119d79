import type { Db } from "@tally/db";
import { v7 } from "uuid";

/** What every service function is given: the database and the clock. */
export interface ServiceDeps {
  db: Db;
  now: () => Date;
}

/** Who is calling: the account behind the token and the kind of key it came from. */
export interface Principal {
  accountId: string;
  keyId: string;
  kind: "SERVER" | "CLIENT";
}

/** Time-ordered UUIDs, so that ledger cursors (`id > cursor`) follow creation order. */
export const newId = (): string => v7();

/** PostgreSQL error code of a failed statement, if any. */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}
