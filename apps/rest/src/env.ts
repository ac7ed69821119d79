import { fileURLToPath } from "node:url";
import { ZSchedulerEnvShape } from "@tally/importer";
import { parseMigrationRateLimit } from "@tally/service";
import { z } from "zod";

/** Everything the REST app reads from the environment, validated once. */
export const ZEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  TALLY_DATA_DIR: z
    .string()
    .default(fileURLToPath(new URL("../../../.data/pglite", import.meta.url))),
  DEMO_API_KEY: z.string().min(8).optional(),
  JWT_SECRET: z.string().min(32).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** `off` behind a pooler that cannot keep server-side prepared statements (see README). */
  DB_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  LOG_LEVEL: z.enum(["info", "error", "silent"]).default("info"),
  /** Per account: `1/<seconds>s,<count>/h` for the migrate routes, or `off`. */
  MIGRATION_RATE_LIMIT: z
    .string()
    .default("1/5s,1000/h")
    .transform((text, ctx) => {
      try {
        return parseMigrationRateLimit(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** `off`: no migration worker in this process (run apps/importer instead). */
  WORKER: z.enum(["on", "off"]).default("on"),
  // Cron expressions (UTC) of the in-process maintenance jobs; "off" disables one.
  ...ZSchedulerEnvShape,
});
export type TEnv = z.infer<typeof ZEnvSchema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): TEnv {
  const parsed = ZEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
