export {
  jobsConfig,
  schedulerConfig,
  type TJobsEnv,
  type TSchedulerEnv,
  ZJobsEnvSchema,
} from "./env.ts";
export {
  cronTrigger,
  DEFAULT_SCHEDULES,
  type SchedulerLogger,
  type SchedulerOptions,
  startScheduler,
  type TJob,
  type TJobName,
  type TSchedules,
  type TTrigger,
} from "./scheduler.ts";
export { DELIVERY_TIMEOUT_MS, sendWebhook, signDelivery } from "./send-webhook.ts";
export { type JobsOptions, startJobs } from "./start.ts";
export {
  DEFAULT_WEBHOOKS_POLL_MS,
  deliverWebhooks,
  drainWebhooks,
  runWebhookWorker,
  type WebhookWorkerOptions,
} from "./webhook-worker.ts";
export {
  DEFAULT_LEASE_MS,
  DEFAULT_POLL_MS,
  drainJobs,
  runWorker,
  type WorkerOptions,
} from "./worker.ts";
