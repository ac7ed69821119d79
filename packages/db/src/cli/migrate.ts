import { openDb } from "../create-db.ts";
import { orExit, parseEnv, ZDbEnvSchema } from "../env.ts";
import { migrateToLatest } from "../migrate.ts";

// `pnpm migrate`: the database of DATABASE_URL, else the embedded one in TALLY_DATA_DIR.
const env = orExit(() => parseEnv(ZDbEnvSchema, process.env));
const { db, kind } = openDb(env);
const applied = await migrateToLatest(db);
console.log(`${kind}: ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}`);
await db.destroy();
