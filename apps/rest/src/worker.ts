import type { Db } from "@tally/db";
import { runWorker } from "@tally/importer";

/**
 * Runs the importer's worker loop in this process beside the REST app, so a
 * migration sent to `pnpm start` (embedded PGlite, which one process alone can
 * open) is processed. WORKER=off leaves it to standalone importer processes.
 * Answers the function that stops it and waits for the job in hand to pause.
 */
export function startInProcessWorker(opts: { db: Db; now: () => Date; enabled: boolean }) {
  if (!opts.enabled) return async () => {};
  const controller = new AbortController();
  const done = runWorker({ db: opts.db, now: opts.now, signal: controller.signal, pollMs: 500 });
  return async () => {
    controller.abort();
    await done;
  };
}
