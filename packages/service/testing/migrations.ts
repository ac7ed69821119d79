import type { Db } from "@tally/db";
import { type TMigrationType, ZMigrateCustomerSchema } from "@tally/schemas";
import { applyMigrationItem, enqueueMigration, getMigrationJob } from "../src/index.ts";

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

/** Creates customers (empty wallets) as a CUSTOMERS migration applies them, one item each. */
export async function createCustomers(db: Db, accountId: string, ids: string[]) {
  for (const id of ids) {
    const item = ZMigrateCustomerSchema.parse({ id });
    const applied = await applyMigrationItem({
      db,
      accountId,
      now: new Date(),
      type: "CUSTOMERS",
      item,
    });
    if (!applied.ok) throw new Error(`customer ${id}: ${applied.code} ${applied.details}`);
  }
}
