export { type AppliedItem, applyMigrationItem } from "./apply-item.ts";
export { enqueueMigration, getMigrationJob, type JobRow, toMigrationJobView } from "./jobs.ts";
export {
  advanceMigrationJob,
  claimMigrationJob,
  finishMigrationJob,
  isLeaseLost,
  type JobLease,
  releaseMigrationJob,
} from "./queue.ts";
export { type RunJobOptions, runMigrationJob } from "./run.ts";
