import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ZSchedulerEnvShape } from "./scheduler-env.ts";

/** Everything the standalone importer worker reads from the environment, validated once. */
export const ZEnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TALLY_DATA_DIR: z
    .string()
    .default(fileURLToPath(new URL("../../../.data/pglite", import.meta.url))),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(5),
  /** `off` behind a pooler that cannot keep server-side prepared statements (see README). */
  DB_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  // Cron expressions (UTC) of the maintenance jobs; "off" disables one.
  ...ZSchedulerEnvShape,
});

/** Parses the environment or throws naming every bad variable. */
export function readEnv(env: NodeJS.ProcessEnv = process.env) {
  const parsed = ZEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}
