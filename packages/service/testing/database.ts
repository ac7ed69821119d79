import type { Db } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { auditLedger } from "../src/index.ts";

export type { TestDatabase };
export { createTestDatabase };

/** The ledger invariant must hold after every test. */
export async function expectLedgerBalanced(db: Db) {
  expect(await auditLedger(db)).toEqual([]);
}

/**
 * The per-file hooks of database tests: one migrated database for the file, the ledger
 * invariant checked after every test, the database dropped at the end.
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
