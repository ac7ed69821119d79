import type { Db } from "@tally/db";
import { runWorker, startScheduler, type TSchedules } from "@tally/importer";

/**
 * Runs the importer's worker loop and maintenance scheduler in this process beside
 * the REST app, so a migration sent to `pnpm start` (embedded PGlite, which one
 * process alone can open) is processed and lots expire. WORKER=off leaves it to standalone importer processes.
 * Answers the function that stops it and waits for the job in hand to pause.
 */
export function startInProcessWorker(opts: {
  db: Db;
  now: () => Date;
  enabled: boolean;
  schedules?: Partial<TSchedules>;
  inboxDir?: string | undefined;
  inboxQuietMs?: number | undefined;
}) {
  if (!opts.enabled) return async () => {};
  const controller = new AbortController();
  const done = runWorker({ db: opts.db, now: opts.now, signal: controller.signal, pollMs: 500 });
  // The scheduled maintenance jobs (expiry, tier demotion) run beside it.
  const scheduler = startScheduler({ ...opts, signal: controller.signal });
  return async () => {
    controller.abort();
    await Promise.all([done, scheduler.stop()]);
  };
}
