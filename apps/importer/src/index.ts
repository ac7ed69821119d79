export { DEFAULT_LEASE_MS, drainJobs, runWorker, type WorkerOptions } from "./worker.ts";
