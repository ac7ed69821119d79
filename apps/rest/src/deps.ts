import type { Logger as JsonLogger, Metrics } from "@tally/observability";
import type { MigrationRateLimit, RequestCounter, ServiceDeps } from "@tally/service";
import type { Logger } from "./middleware/errors.ts";

export interface AppDeps extends ServiceDeps {
  jwtSecret: Uint8Array;
  /** Where errors outside a request's log go (without `log`, 500s too). */
  logger?: Logger;
  /** The JSON logger: a line per request, and every line of a request names its id. */
  log?: JsonLogger;
  /** Prometheus metrics, served at /metrics; without, none are kept. */
  metrics?: Metrics;
  /** When set, /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** True once shutdown began: /readyz answers 503. */
  draining?: () => boolean;
  /**
   * Counts requests per API key against the account's limits; default this process's own
   * counter; null: no general rate limit (docs/api-decisions.md#rate-limits).
   */
  requestCounter?: RequestCounter | null;
  /** Origins allowed for every account and key (CORS_ORIGINS); `*` for any. */
  corsOrigins?: string[];
  /** How long account settings (limits, origins) are cached per process (default 10 s). */
  settingsTtlMs?: number;
  /** Migrate routes' limit per account; default Masivo's (1 batch / 5 s, 1000 / h); null: none. */
  migrationRateLimit?: MigrationRateLimit | null;
  /** How often a running request renews its Idempotency-Key claim (default 15 s). */
  claimRenewMs?: number;
}

/** Masivo's production migration limiter (Masivo: 1 request / 5 s, ≤ 1000 / h). */
export const DEFAULT_MIGRATION_RATE_LIMIT: MigrationRateLimit = { intervalMs: 5000, perHour: 1000 };
