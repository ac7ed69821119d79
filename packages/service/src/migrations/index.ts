export { listMigrationJobs, retryFailedMigrationItems } from "./admin.ts";
export { applyMigrationBatch, refreshImportStatistics } from "./apply-batch.ts";
export { type AppliedItem, applyMigrationItem, failed } from "./apply-item.ts";
export {
  enqueueMigration,
  getMigrationJob,
  type JobRow,
  queueMigration,
  toMigrationJobView,
} from "./jobs.ts";
export { recordKeys } from "./keys.ts";
export { reconciliationProblem } from "./plan-transactions.ts";
export {
  abandonMigrationJob,
  advanceMigrationJob,
  claimMigrationJob,
  finishMigrationJob,
  isLeaseLost,
  type JobLease,
  MAX_JOB_ATTEMPTS,
  releaseMigrationJob,
} from "./queue.ts";
export {
  checkMigrationRate,
  type MigrationRateLimit,
  parseMigrationRateLimit,
} from "./rate-limit.ts";
export { type RunJobOptions, runMigrationJob } from "./run.ts";
export { checkRewards } from "./shared.ts";
