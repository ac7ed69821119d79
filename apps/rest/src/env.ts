import { parseEnv, ZDbEnvSchema } from "@tally/db";
import { ZJobsEnvSchema } from "@tally/jobs";
import { ZObservabilityEnvSchema } from "@tally/observability";
import { ZCorsOriginSchema } from "@tally/schemas";
import {
  keyBits,
  MIN_CHOSEN_KEY_BITS,
  MIN_CHOSEN_KEY_LENGTH,
  parseMigrationRateLimit,
} from "@tally/service";
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().min(1).max(3600).default(fallback);

/** The REST app's own variables. */
const ZRestEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The internal API's port, served by the same process. */
  INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** The demo account on start: default `on` on the embedded database, `off` on PostgreSQL. */
  DEMO: z.enum(["on", "off"]).optional(),
  /** A SERVER key of the demo account; as hard to guess as a generated key. */
  DEMO_API_KEY: z
    .string()
    .superRefine((key, ctx) => {
      const hint = "a random key, e.g. from uuidgen or openssl rand -hex 32";
      if (key.length < MIN_CHOSEN_KEY_LENGTH)
        ctx.addIssue({
          code: "custom",
          message: `must be at least ${MIN_CHOSEN_KEY_LENGTH} characters (${hint})`,
        });
      else if (keyBits(key) < MIN_CHOSEN_KEY_BITS)
        ctx.addIssue({
          code: "custom",
          message: `is too easy to guess: it measures ${Math.floor(keyBits(key))} bits, a key needs ${MIN_CHOSEN_KEY_BITS} (${hint})`,
        });
    })
    .optional(),
  JWT_SECRET: z.string().min(32).optional(),
  /** Longest a client may take to send a whole request, headers and body (then 408, closed). */
  REQUEST_TIMEOUT_SECONDS: seconds(30),
  /** Longest a client may take to send a request's headers; at most REQUEST_TIMEOUT_SECONDS. */
  HEADERS_TIMEOUT_SECONDS: seconds(10),
  /** How long an idle keep-alive connection stays open. */
  KEEP_ALIVE_TIMEOUT_SECONDS: seconds(5),
  /** Origins a browser may call from with any key, comma-separated; `*` for any (no credentials). */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(ZCorsOriginSchema)),
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
});

/**
 * Everything the REST app reads from the environment, validated once: the database's and the
 * jobs' fragments (it hosts the worker and the scheduler in-process, WORKER=off aside) and its own.
 */
export const ZEnvSchema = z.object({
  ...ZDbEnvSchema.shape,
  ...ZJobsEnvSchema.shape,
  ...ZObservabilityEnvSchema.shape,
  ...ZRestEnvSchema.shape,
});
export type TEnv = z.infer<typeof ZEnvSchema>;

/** The environment of any process of the REST app (the server, tally-admin). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TEnv {
  return parseEnv(ZEnvSchema, env);
}

const demoOf = (env: TEnv): "on" | "off" => env.DEMO ?? (env.DATABASE_URL ? "off" : "on");

/**
 * The server's environment: `ZEnvSchema` and the rules between its variables. On PostgreSQL
 * JWT_SECRET is required (tokens must verify in every app process and after a restart) and
 * the demo is off unless DEMO=on; on the embedded database the demo is on unless DEMO=off.
 */
export const ZServerEnvSchema = ZEnvSchema.superRefine((env, ctx) => {
  if (env.DATABASE_URL && !env.JWT_SECRET)
    ctx.addIssue({
      code: "custom",
      path: ["JWT_SECRET"],
      message:
        "is required with DATABASE_URL: at least 32 characters, the same in every app process (e.g. openssl rand -hex 32)",
    });
  if (env.DEMO_API_KEY && demoOf(env) === "off")
    ctx.addIssue({
      code: "custom",
      path: ["DEMO_API_KEY"],
      message: `is set but the demo is off (${env.DEMO ? "DEMO=off" : "the default with DATABASE_URL"}); DEMO=on makes one`,
    });
  if (env.HEADERS_TIMEOUT_SECONDS > env.REQUEST_TIMEOUT_SECONDS)
    ctx.addIssue({
      code: "custom",
      path: ["HEADERS_TIMEOUT_SECONDS"],
      message: `must not exceed REQUEST_TIMEOUT_SECONDS (${env.REQUEST_TIMEOUT_SECONDS})`,
    });
}).transform((env) => ({ ...env, DEMO: demoOf(env) }));
export type TServerEnv = z.infer<typeof ZServerEnvSchema>;

/** The server's environment, or one line naming every bad variable. */
export function readServerEnv(env: NodeJS.ProcessEnv = process.env): TServerEnv {
  return parseEnv(ZServerEnvSchema, env);
}
