import type { MigrationRateLimit, ServiceDeps } from "@tally/service";
import type { Logger } from "./middleware/errors.ts";

export interface AppDeps extends ServiceDeps {
  jwtSecret: Uint8Array;
  logger?: Logger;
  /** Migrate routes' limit per account; default Masivo's (1 batch / 5 s, 1000 / h); null: none. */
  migrationRateLimit?: MigrationRateLimit | null;
  /** How often a running request renews its Idempotency-Key claim (default 15 s). */
  claimRenewMs?: number;
}

/** Masivo's production migration limiter (Masivo: 1 request / 5 s, ≤ 1000 / h). */
export const DEFAULT_MIGRATION_RATE_LIMIT: MigrationRateLimit = { intervalMs: 5000, perHour: 1000 };
