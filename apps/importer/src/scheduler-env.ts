import { z } from "zod";
import type { TSchedules } from "./scheduler.ts";

/** The scheduler's environment, shared by the importer worker and the REST app's in-process one. */
export const ZSchedulerEnvShape = {
  SCHEDULE_EXPIRE_LINES: z.string().min(1).default("* * * * *"),
  SCHEDULE_EXPIRE_RESERVATIONS: z.string().min(1).default("* * * * *"),
  SCHEDULE_DEMOTE_TIERS: z.string().min(1).default("0 * * * *"),
  SCHEDULE_IMPORT_INBOX: z.string().min(1).default("* * * * *"),
  /** Files dropped in `<INBOX_DIR>/<accountId>/` are imported; unset = no inbox job. */
  INBOX_DIR: z.string().min(1).optional(),
};

interface SchedulerEnv {
  SCHEDULE_EXPIRE_LINES: string;
  SCHEDULE_EXPIRE_RESERVATIONS: string;
  SCHEDULE_DEMOTE_TIERS: string;
  SCHEDULE_IMPORT_INBOX: string;
  INBOX_DIR?: string | undefined;
}

/** Schedules and inbox directory from the validated environment. */
export function schedulerConfig(env: SchedulerEnv): { schedules: TSchedules; inboxDir?: string } {
  return {
    schedules: {
      expireLines: env.SCHEDULE_EXPIRE_LINES,
      expireReservations: env.SCHEDULE_EXPIRE_RESERVATIONS,
      demoteTiers: env.SCHEDULE_DEMOTE_TIERS,
      importInbox: env.INBOX_DIR ? env.SCHEDULE_IMPORT_INBOX : "off",
    },
    inboxDir: env.INBOX_DIR,
  };
}
