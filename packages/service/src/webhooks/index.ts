export {
  type ClaimedDelivery,
  claimWebhookDeliveries,
  type DeliveryOutcome,
  recordWebhookAttempt,
  recordWebhookSuccesses,
} from "./claim.ts";
export {
  listWebhookDeliveries,
  pingWebhook,
  redeliverFailedWebhooks,
  redeliverWebhook,
} from "./deliveries.ts";
export { allowPrivateWebhookUrls, ZWebhooksEnvSchema } from "./env.ts";
export { recordWebhook, type WebhookRecord } from "./record.ts";
export { nextAttemptAt, RETRY_WINDOW_MS } from "./retry.ts";
export {
  createWebhookSubscription,
  DEFAULT_ROTATION_GRACE_MS,
  deleteWebhookSubscription,
  listWebhookSubscriptions,
  rotateWebhookSecret,
  updateWebhookSubscription,
} from "./subscriptions.ts";
export { checkWebhookUrl, isPrivateAddress } from "./url-safety.ts";
