import { parseEnv, ZDbEnvSchema } from "@tally/db";
import { ZWebhooksEnvSchema } from "@tally/service";
import { z } from "zod";

/** The internal app's own variables. */
const ZInternalEnvSchema = z.object({
  INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(["info", "error", "silent"]).default("info"),
});

/**
 * Everything the internal app reads from the environment: the database's fragment, the
 * webhooks' (which URLs a subscription may have) and its own.
 */
export const ZEnvSchema = z.object({
  ...ZDbEnvSchema.shape,
  ...ZWebhooksEnvSchema.shape,
  ...ZInternalEnvSchema.shape,
});
export type TEnv = z.infer<typeof ZEnvSchema>;

/** The environment, or one line naming every bad variable. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TEnv {
  return parseEnv(ZEnvSchema, env);
}
