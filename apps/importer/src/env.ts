import { parseEnv, ZDbEnvSchema } from "@tally/db";
import { ZJobsEnvSchema } from "@tally/jobs";
import { z } from "zod";

/** The importer's own variables. */
const ZImporterEnvSchema = z.object({
  /** The directory `pnpm run import` was typed in (pnpm sets it): file paths are read from it. */
  INIT_CWD: z.string().optional(),
  /** `1`: the CLI prints its peak RSS and CPU time on stderr at the end (the import benchmark). */
  IMPORT_PRINT_USAGE: z.enum(["0", "1"]).optional(),
});

/**
 * Everything the importer (the standalone worker and the file import CLI) reads from the
 * environment, validated once: the database's and the jobs' fragments and its own. WORKER is the
 * REST app's switch for its in-process jobs; this process is the worker, so it runs them always.
 */
export const ZEnvSchema = z.object({
  ...ZDbEnvSchema.shape,
  ...ZJobsEnvSchema.omit({ WORKER: true }).shape,
  ...ZImporterEnvSchema.shape,
});
export type TEnv = z.infer<typeof ZEnvSchema>;

/** Parses the environment or throws naming every bad variable. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TEnv {
  return parseEnv(ZEnvSchema, env);
}
