import { migrateToLatest, openDb, orExit } from "@tally/db";
import { jobsConfig, startJobs } from "@tally/jobs";
import { readEnv } from "./env.ts";

// A standalone worker process; several may run against one PostgreSQL database.
const env = orExit(() => readEnv());
const { db, kind } = openDb(env);
await migrateToLatest(db);
const stopJobs = startJobs({ db, now: () => new Date(), ...jobsConfig(env) });
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  void stopJobs().then(() => db.destroy());
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// Last: once this line is out, a SIGTERM stops the worker cleanly.
console.log(`Tally importer worker polling migration jobs (${kind})`);
