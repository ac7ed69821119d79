import { fileURLToPath } from "node:url";
import { createDb, orExit } from "../create-db.ts";
import { migrateToLatest } from "../migrate.ts";

const { db, kind } = orExit(() =>
  createDb({
    databaseUrl: process.env.DATABASE_URL,
    dataDir:
      process.env.TALLY_DATA_DIR ??
      fileURLToPath(new URL("../../../../.data/pglite", import.meta.url)),
  }),
);
const applied = await migrateToLatest(db);
console.log(`${kind}: ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}`);
await db.destroy();
