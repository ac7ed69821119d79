import type { Db } from "@tally/db";
import { processInbox } from "@tally/import";
import {
  demoteTiers,
  expireLines,
  expireReservations,
  promoteChangedLadders,
  sweepIdempotencyKeys,
} from "@tally/service";
import { Cron } from "croner";

/** The scheduled maintenance jobs. */
export type TJobName =
  | "expireLines"
  | "expireReservations"
  | "demoteTiers"
  | "importInbox"
  | "sweepIdempotencyKeys";

/** A cron expression per job (5 fields, or 6 with seconds), read in UTC; "off" disables one. */
export type TSchedules = Record<TJobName, string>;

/**
 * Every minute for expiry; hourly for demotion, which itself waits for a tier period to start,
 * and for the sweep of Idempotency-Key rows past their 24 hours.
 */
export const DEFAULT_SCHEDULES: TSchedules = {
  expireLines: "* * * * *",
  expireReservations: "* * * * *",
  demoteTiers: "0 * * * *",
  // Only with an inbox directory (INBOX_DIR).
  importInbox: "off",
  sweepIdempotencyKeys: "30 * * * *",
};

/** Calls `tick` on every occurrence of `pattern` until the returned function is called. */
export type TTrigger = (pattern: string, tick: () => void) => () => void;

/** What a job is handed on each run. */
export type TJob = (ctx: {
  db: Db;
  now: Date;
  inboxDir?: string | undefined;
  inboxQuietMs?: number | undefined;
}) => Promise<unknown>;

export interface SchedulerLogger {
  info(message: string): void;
  error(message: string, error: unknown): void;
}

export interface SchedulerOptions {
  db: Db;
  now: () => Date;
  schedules?: Partial<TSchedules>;
  signal?: AbortSignal;
  logger?: SchedulerLogger;
  /** Default: croner in UTC; tests inject a manual trigger. */
  trigger?: TTrigger;
  /** Where files to import are dropped (`<dir>/<accountId>/*.ndjson|*.csv`). */
  inboxDir?: string | undefined;
  /** How long a dropped file must have been unchanged to be claimed (processInbox's quietMs). */
  inboxQuietMs?: number | undefined;
  /** Replaces job implementations (tests). */
  jobs?: Partial<Record<TJobName, TJob>>;
}

/** Cron ticks from croner, in UTC. */
export const cronTrigger: TTrigger = (pattern, tick) => {
  const job = new Cron(pattern, { timezone: "UTC" }, tick);
  return () => job.stop();
};

const JOBS: Record<TJobName, TJob> = {
  expireLines: ({ db, now }) => expireLines({ db, now }),
  expireReservations: ({ db, now }) => expireReservations({ db, now }),
  // The tier job also re-evaluates ladders changed on accounts too large to do it in the call.
  demoteTiers: async ({ db, now }) => {
    const demoted = await demoteTiers({ db, now });
    const promoted = await promoteChangedLadders({ db, now });
    return { ...demoted, promoted: promoted.customers };
  },
  importInbox: async ({ db, now, inboxDir, inboxQuietMs }) => {
    if (!inboxDir) return {};
    const files = await processInbox({ db, now: () => now, dir: inboxDir, quietMs: inboxQuietMs });
    return { files: files.length };
  },
  sweepIdempotencyKeys: ({ db, now }) => sweepIdempotencyKeys({ db, now }),
};

const consoleLogger: SchedulerLogger = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error),
};

/** Whether a job's result reports any change worth a log line (every count zero = no). */
const changed = (result: unknown) =>
  typeof result === "object" &&
  result !== null &&
  Object.values(result).some((v) => typeof v === "number" && v > 0);

/**
 * Runs the maintenance jobs on their cron schedules. A job whose previous run is still going
 * skips the tick (no overlap); a failing run is logged and the next tick tries again. Answers
 * `stop`, which stops the ticks and waits for runs in hand (also called when `signal` aborts).
 */
export function startScheduler(opts: SchedulerOptions) {
  const schedules = { ...DEFAULT_SCHEDULES, ...opts.schedules };
  const logger = opts.logger ?? consoleLogger;
  const trigger = opts.trigger ?? cronTrigger;
  const running = new Map<TJobName, Promise<void>>();
  const stops: (() => void)[] = [];
  let stopped = false;

  const run = (name: TJobName) => {
    if (stopped || running.has(name)) return;
    const job = opts.jobs?.[name] ?? JOBS[name];
    const done = Promise.resolve()
      .then(() =>
        job({
          db: opts.db,
          now: opts.now(),
          inboxDir: opts.inboxDir,
          inboxQuietMs: opts.inboxQuietMs,
        }),
      )
      .then((result) => {
        if (changed(result)) logger.info(`${name}: ${JSON.stringify(result)}`);
      })
      .catch((error) => logger.error(`${name} failed`, error))
      .finally(() => running.delete(name));
    running.set(name, done);
  };

  for (const name of Object.keys(JOBS) as TJobName[]) {
    const pattern = schedules[name];
    if (pattern === "off") continue;
    stops.push(trigger(pattern, () => run(name)));
  }

  const stop = async () => {
    if (!stopped) {
      stopped = true;
      for (const s of stops) s();
      opts.signal?.removeEventListener("abort", onAbort);
    }
    await Promise.all(running.values());
  };
  const onAbort = () => void stop();
  if (opts.signal?.aborted) void stop();
  else opts.signal?.addEventListener("abort", onAbort);
  return { stop };
}
