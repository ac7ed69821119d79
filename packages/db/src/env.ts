import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The database's environment: one fragment, composed by every app (and `pnpm migrate`). */
export const ZDbEnvSchema = z.object({
  /** A PostgreSQL server; unset = the embedded database (PGlite) in TALLY_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  TALLY_DATA_DIR: z
    .string()
    .default(fileURLToPath(new URL("../../../.data/pglite", import.meta.url))),
  /** Connections per process (on PostgreSQL). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** `off` behind a pooler that cannot keep server-side prepared statements (docs/configuration.md#prepared-statements). */
  DB_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
});

/** The database settings of a process's validated environment. */
export type DbEnv = z.output<typeof ZDbEnvSchema>;

/** Parses `env` with `schema`, or throws one line naming every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/**
 * Runs a process's start-up step (reading the environment, opening the database); on failure
 * prints its message as one line and exits with `code`, instead of a stack trace.
 */
export function orExit<T>(step: () => T, code = 1): T {
  try {
    return step();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(code);
  }
}
