import { z } from "zod";

/**
 * The webhooks' environment fragment, composed by every app that stores subscriptions or
 * delivers them (docs/webhooks.md#url-safety).
 */
export const ZWebhooksEnvSchema = z.object({
  /**
   * `on`: endpoints may be http:// and in loopback or private ranges (local receivers in
   * development). Default: on with the embedded database (the demo), off with DATABASE_URL.
   */
  WEBHOOKS_ALLOW_PRIVATE_URLS: z.enum(["on", "off"]).optional(),
});

/** Whether webhook endpoints may be local: the flag, or by default only on the embedded database. */
export function allowPrivateWebhookUrls(env: {
  WEBHOOKS_ALLOW_PRIVATE_URLS?: "on" | "off" | undefined;
  DATABASE_URL?: string | undefined;
}): boolean {
  return (env.WEBHOOKS_ALLOW_PRIVATE_URLS ?? (env.DATABASE_URL ? "off" : "on")) === "on";
}
