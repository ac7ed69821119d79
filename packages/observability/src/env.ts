import { z } from "zod";

/** The operations environment: one fragment, composed by every app that serves HTTP. */
export const ZObservabilityEnvSchema = z.object({
  /** Least level logged as JSON lines on stdout: silent, error, info (one line per request), debug. */
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** On SIGTERM/SIGINT, how long in-flight requests and the job in hand get before a forced exit. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
});
export type TObservabilityEnv = z.output<typeof ZObservabilityEnvSchema>;
