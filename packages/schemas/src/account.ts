import { z } from "zod";

/**
 * A browser origin as the Origin header sends it: `scheme://host[:port]`, lower case, no path;
 * or `*`, any origin (never with credentials: the API uses bearer tokens, not cookies).
 */
export const ZCorsOriginSchema = z
  .string()
  .max(255)
  .refine((o) => o === "*" || /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(o), {
    message:
      "must be * or an origin such as https://shop.example.com (scheme, host, port; no path)",
  });

/** Requests per minute per API key, or null: unlimited. */
const ZPerMinuteSchema = z.number().int().min(1).max(1_000_000).nullable();

/** An account's operational settings (docs/operations.md#cors, #rate-limits). */
export const ZOperationalSettingsSchema = z.object({
  /** Origins a browser may call from with the account's CLIENT keys. */
  cors_origins: z.array(ZCorsOriginSchema).max(50),
  /** Requests per minute per CLIENT key (default 600); null: unlimited. */
  rate_limit_client_per_minute: ZPerMinuteSchema,
  /** Requests per minute per SERVER key (default null: unlimited). */
  rate_limit_server_per_minute: ZPerMinuteSchema,
});
export type TOperationalSettings = z.infer<typeof ZOperationalSettingsSchema>;

/** A change of some settings; the others keep their values. */
export const ZOperationalSettingsUpdateSchema = ZOperationalSettingsSchema.partial().strict();
export type TOperationalSettingsUpdate = z.infer<typeof ZOperationalSettingsUpdateSchema>;
