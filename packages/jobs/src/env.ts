import { DEFAULT_QUIET_MS } from "@tally/import";
import { allowPrivateWebhookUrls, ZWebhooksEnvSchema } from "@tally/service";
import { Cron } from "croner";
import { z } from "zod";
import { DEFAULT_SCHEDULES, type TSchedules } from "./scheduler.ts";
import { DEFAULT_WEBHOOKS_POLL_MS } from "./webhook-worker.ts";
import { DEFAULT_POLL_MS } from "./worker.ts";

/**
 * A maintenance job's schedule: `off`, or a cron expression (UTC) croner can read and that fires
 * at least once (`0 0 31 2 *`, 31 February, never would).
 */
const schedule = (fallback: string) =>
  z
    .string()
    .min(1)
    .default(fallback)
    .superRefine((pattern, ctx) => {
      if (pattern === "off") return;
      try {
        const cron = new Cron(pattern, { paused: true, timezone: "UTC" });
        if (cron.nextRun() === null)
          ctx.addIssue({ code: "custom", message: `cron expression "${pattern}" never fires` });
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `not a cron expression ("${pattern}": ${(error as Error).message})`,
        });
      }
    });

/**
 * The jobs' environment: one fragment, composed by every app that hosts them (the REST app
 * in-process, the importer's standalone worker).
 */
export const ZJobsEnvSchema = z.object({
  /** `off`: this process runs neither the worker loop nor the scheduler (standalone workers do). */
  WORKER: z.enum(["on", "off"]).default("on"),
  /** Milliseconds the worker loop waits before looking again when the queue is empty. */
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(DEFAULT_POLL_MS),
  // Cron expressions (UTC) of the maintenance jobs; "off" disables one.
  SCHEDULE_EXPIRE_LINES: schedule(DEFAULT_SCHEDULES.expireLines),
  SCHEDULE_EXPIRE_RESERVATIONS: schedule(DEFAULT_SCHEDULES.expireReservations),
  SCHEDULE_DEMOTE_TIERS: schedule(DEFAULT_SCHEDULES.demoteTiers),
  /** Applies only with INBOX_DIR (without it there is no inbox job). */
  SCHEDULE_IMPORT_INBOX: schedule("* * * * *"),
  SCHEDULE_SWEEP_IDEMPOTENCY_KEYS: schedule(DEFAULT_SCHEDULES.sweepIdempotencyKeys),
  /** Files dropped in `<INBOX_DIR>/<accountId>/` are imported; unset = no inbox job. */
  INBOX_DIR: z.string().min(1).optional(),
  ...ZWebhooksEnvSchema.shape,
  /** Milliseconds the webhook loop waits before looking again when nothing is due. */
  WEBHOOKS_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(DEFAULT_WEBHOOKS_POLL_MS),
  /** Seconds a dropped file must have been unchanged before it is imported. */
  INBOX_QUIET_SECONDS: z
    .string()
    .regex(/^\d{1,4}$/, "must be a whole number of seconds (0–9999)")
    .default(String(DEFAULT_QUIET_MS / 1000))
    .transform(Number),
});
export type TJobsEnv = z.output<typeof ZJobsEnvSchema>;

type TScheduleVariable =
  | "SCHEDULE_EXPIRE_LINES"
  | "SCHEDULE_EXPIRE_RESERVATIONS"
  | "SCHEDULE_DEMOTE_TIERS"
  | "SCHEDULE_IMPORT_INBOX"
  | "SCHEDULE_SWEEP_IDEMPOTENCY_KEYS";

/** The scheduler's variables of a validated environment (the inbox ones may be absent). */
export type TSchedulerEnv = Pick<TJobsEnv, TScheduleVariable> &
  Partial<Pick<TJobsEnv, "INBOX_DIR" | "INBOX_QUIET_SECONDS">>;

/** Schedules and inbox directory from the validated environment. */
export function schedulerConfig(env: TSchedulerEnv): {
  schedules: TSchedules;
  inboxDir?: string;
  inboxQuietMs?: number;
} {
  return {
    schedules: {
      expireLines: env.SCHEDULE_EXPIRE_LINES,
      expireReservations: env.SCHEDULE_EXPIRE_RESERVATIONS,
      demoteTiers: env.SCHEDULE_DEMOTE_TIERS,
      importInbox: env.INBOX_DIR ? env.SCHEDULE_IMPORT_INBOX : "off",
      sweepIdempotencyKeys: env.SCHEDULE_SWEEP_IDEMPOTENCY_KEYS,
    },
    inboxDir: env.INBOX_DIR,
    inboxQuietMs: (env.INBOX_QUIET_SECONDS ?? DEFAULT_QUIET_MS / 1000) * 1000,
  };
}

/**
 * startJobs' options from the validated environment. A host without WORKER (the standalone
 * worker, whose whole purpose is to run them) always runs the jobs.
 */
export function jobsConfig(
  env: TSchedulerEnv &
    Partial<
      Pick<
        TJobsEnv,
        "WORKER" | "WORKER_POLL_MS" | "WEBHOOKS_ALLOW_PRIVATE_URLS" | "WEBHOOKS_POLL_MS"
      >
    > & { DATABASE_URL?: string | undefined },
) {
  return {
    enabled: env.WORKER !== "off",
    pollMs: env.WORKER_POLL_MS,
    webhooks: { allowPrivate: allowPrivateWebhookUrls(env), pollMs: env.WEBHOOKS_POLL_MS },
    ...schedulerConfig(env),
  };
}
