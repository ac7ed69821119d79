import type { Db } from "@tally/db";
import { type SchedulerLogger, startScheduler, type TSchedules } from "./scheduler.ts";
import { runWebhookWorker } from "./webhook-worker.ts";
import { runWorker } from "./worker.ts";

export interface JobsOptions {
  db: Db;
  now: () => Date;
  /** false: nothing runs in this process (WORKER=off). Default true. */
  enabled?: boolean;
  /** The worker loop's wait while the queue is empty (default DEFAULT_POLL_MS). */
  pollMs?: number | undefined;
  schedules?: Partial<TSchedules>;
  inboxDir?: string | undefined;
  inboxQuietMs?: number | undefined;
  logger?: SchedulerLogger;
  /** The webhook delivery loop's settings (default: public https:// endpoints only). */
  webhooks?: { allowPrivate?: boolean; pollMs?: number | undefined };
}

/**
 * Runs the migration worker loop, the webhook delivery loop and the maintenance scheduler in
 * this process: the REST app
 * hosts them beside the API (so a migration sent to `pnpm start` on the embedded database,
 * which one process alone can open, is processed and lots expire), the importer app as a
 * standalone worker. Answers the function that stops them and waits for the job in hand to pause.
 */
export function startJobs(opts: JobsOptions): () => Promise<void> {
  if (opts.enabled === false) return async () => {};
  const controller = new AbortController();
  const worker = runWorker({
    db: opts.db,
    now: opts.now,
    signal: controller.signal,
    pollMs: opts.pollMs,
    onError: opts.logger && ((message, error) => opts.logger!.error(message, error)),
  });
  const webhooks = runWebhookWorker({
    db: opts.db,
    now: opts.now,
    signal: controller.signal,
    allowPrivate: opts.webhooks?.allowPrivate ?? false,
    pollMs: opts.webhooks?.pollMs,
    onError: opts.logger && ((message, error) => opts.logger!.error(message, error)),
  });
  const scheduler = startScheduler({ ...opts, signal: controller.signal });
  return async () => {
    controller.abort();
    await Promise.all([worker, webhooks, scheduler.stop()]);
  };
}
