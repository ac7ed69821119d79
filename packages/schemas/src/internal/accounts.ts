import { z } from "zod";
import { ZOperationalSettingsSchema } from "../account.ts";
import { ZNameSchema } from "../common.ts";
import { zCursorPage } from "./common.ts";

/** An IANA time zone name that this runtime knows ("Europe/Madrid", "UTC"). */
export const ZTimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: "must be an IANA time zone such as Europe/Madrid or UTC" },
  );

/** How often tiers are re-evaluated for demotion. */
export const ZTierPeriodSchema = z.enum(["monthly", "quarterly", "yearly"]);

/** An account's settings, each optional on an update. */
export const ZAccountSettingsSchema = z.object({
  name: ZNameSchema,
  timezone: ZTimeZoneSchema,
  tier_period: ZTierPeriodSchema,
  /** Days a device's push token lives; null: forever. */
  device_token_ttl: z.number().int().min(1).max(36500).nullable(),
  /** CORS origins and requests per minute per key kind (docs/operations.md). */
  ...ZOperationalSettingsSchema.shape,
});

/** accounts.create: a client-given `id` makes a retry answer the same account. */
export const ZAccountCreateInputSchema = ZAccountSettingsSchema.partial().extend({
  id: z.uuid().optional(),
  name: ZNameSchema,
});
export type TAccountCreateInput = z.infer<typeof ZAccountCreateInputSchema>;

/** accounts.update: the settings to change. */
export const ZAccountUpdateInputSchema = ZAccountSettingsSchema.partial();
export type TAccountUpdateInput = z.infer<typeof ZAccountUpdateInputSchema>;

export const ZAccountSchema = ZAccountSettingsSchema.extend({
  id: z.uuid(),
  created_at: z.string(),
});
export type TAccount = z.infer<typeof ZAccountSchema>;

/** A service token as lists show it (never its secret). */
export const ZServiceTokenSchema = z.object({
  id: z.uuid(),
  account_id: z.uuid().nullable(),
  name: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type TServiceToken = z.infer<typeof ZServiceTokenSchema>;

/** A new token: its secret, shown this once. */
export const ZServiceTokenCreatedSchema = ZServiceTokenSchema.extend({ token: z.string() });

export const ZServiceTokenCreateInputSchema = z.object({
  /** A client-given id: a retry with it is a CONFLICT, never a second token. */
  id: z.uuid().optional(),
  name: ZNameSchema,
});

export const ZServiceTokenPageSchema = zCursorPage(ZServiceTokenSchema);

/** Names one resource by its id (a token, a key). */
export const ZUuidRefSchema = z.object({ id: z.uuid() });
