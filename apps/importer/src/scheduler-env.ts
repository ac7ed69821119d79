import { Cron } from "croner";
import { z } from "zod";
import { DEFAULT_QUIET_MS } from "./import/inbox.ts";
import type { TSchedules } from "./scheduler.ts";

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

/** The scheduler's environment, shared by the importer worker and the REST app's in-process one. */
export const ZSchedulerEnvShape = {
  SCHEDULE_EXPIRE_LINES: schedule("* * * * *"),
  SCHEDULE_EXPIRE_RESERVATIONS: schedule("* * * * *"),
  SCHEDULE_DEMOTE_TIERS: schedule("0 * * * *"),
  SCHEDULE_IMPORT_INBOX: schedule("* * * * *"),
  /** Files dropped in `<INBOX_DIR>/<accountId>/` are imported; unset = no inbox job. */
  INBOX_DIR: z.string().min(1).optional(),
  /** Seconds a dropped file must have been unchanged before it is imported. */
  INBOX_QUIET_SECONDS: z
    .string()
    .regex(/^\d{1,4}$/, "must be a whole number of seconds (0–9999)")
    .default(String(DEFAULT_QUIET_MS / 1000))
    .transform(Number),
};

interface SchedulerEnv {
  SCHEDULE_EXPIRE_LINES: string;
  SCHEDULE_EXPIRE_RESERVATIONS: string;
  SCHEDULE_DEMOTE_TIERS: string;
  SCHEDULE_IMPORT_INBOX: string;
  INBOX_DIR?: string | undefined;
  INBOX_QUIET_SECONDS?: number;
}

/** Schedules and inbox directory from the validated environment. */
export function schedulerConfig(env: SchedulerEnv): {
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
    },
    inboxDir: env.INBOX_DIR,
    inboxQuietMs: (env.INBOX_QUIET_SECONDS ?? DEFAULT_QUIET_MS / 1000) * 1000,
  };
}
