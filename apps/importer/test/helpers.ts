import { randomBytes } from "node:crypto";
import type { Db } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { type TMigrationType, ZRewardInsertSchema } from "@tally/schemas";
import {
  auditLedger,
  createAccount,
  createBrand,
  createReward,
  enqueueMigration,
  getMigrationJob,
} from "@tally/service";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export type { TestDatabase };
export { createTestDatabase };

/** A fresh account with brand "0001" and a POINTS reward. */
export async function newAccount(db: Db, now: () => Date) {
  const { id: accountId } = await createAccount(db, {
    name: `importer-${randomBytes(4).toString("hex")}`,
  });
  await createBrand(db, { accountId, id: "0001", name: "Brand one" });
  const reward = await createReward(
    { db, now },
    accountId,
    ZRewardInsertSchema.parse({
      name: "Points",
      type: "POINTS",
      attributes: { conversion_factor: 0.1 },
    }),
  );
  return { accountId, rewardId: reward.id };
}

/** Queues a migrate batch as the REST route would; answers the job id. */
export async function enqueue(
  db: Db,
  now: () => Date,
  accountId: string,
  type: TMigrationType,
  body: unknown,
): Promise<string> {
  return (await enqueueMigration({ db, now }, accountId, type, body)).id;
}

/** The job as GET /migrations/{id} shows it. */
export const jobOf = (db: Db, accountId: string, id: string) =>
  getMigrationJob({ db, now: () => new Date() }, accountId, id);

/** Sum of remaining lot amounts per customer id (as text, exact). */
export async function balances(db: Db, accountId: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("wallet_lines as l")
    .innerJoin("wallets as w", (j) =>
      j.onRef("w.account_id", "=", "l.account_id").onRef("w.id", "=", "l.wallet_id"),
    )
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .select(["c.id", (eb) => eb.fn.sum<string>("l.remaining").as("total")])
    .where("l.account_id", "=", accountId)
    .groupBy("c.id")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.id, String(Number(r.total))]));
}

/** The ledger invariant must hold after every test. */
export async function expectLedgerBalanced(db: Db) {
  expect(await auditLedger(db)).toEqual([]);
}

/**
 * The per-file hooks of the importer tests: one migrated database for the file,
 * the ledger invariant checked after every test, the database dropped at the end.
 */
export function useTestDatabase(): TestDatabase {
  const t = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(t, await createTestDatabase());
  });
  afterEach(() => expectLedgerBalanced(t.db));
  afterAll(() => t.destroy());
  return t;
}
