export * from "./import/index.ts";
export { DEFAULT_SCHEDULES, startScheduler, type TSchedules } from "./scheduler.ts";
export { schedulerConfig, ZSchedulerEnvShape } from "./scheduler-env.ts";
export { DEFAULT_LEASE_MS, drainJobs, runWorker, type WorkerOptions } from "./worker.ts";
