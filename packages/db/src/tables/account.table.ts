import type { ColumnType } from "kysely";
import type { CreatedAt, Generated } from "./types.ts";

export interface AccountTable {
  id: string;
  name: string;
  timezone: Generated<string>;
  device_token_ttl: number | null;
  tier_period: Generated<string>;
  /** When the tier demotion job last ran for this account (once per tier period). */
  tiers_demoted_at: Date | null;
  /** Origins a browser may call the API from with this account's CLIENT keys (jsonb array). */
  cors_origins: ColumnType<string[], string | undefined, string>;
  /** Requests per minute per CLIENT key; null: unlimited. */
  rate_limit_client_per_minute: ColumnType<number | null, number | null | undefined, number | null>;
  /** Requests per minute per SERVER key; null (the default): unlimited. */
  rate_limit_server_per_minute: number | null;
  /** Bumped by triggers on every brand, tier, reward or campaign change. */
  catalog_version: Generated<number>;
  created_at: CreatedAt;
  /** When the tier ladder last changed (tiers created, updated, deleted or reordered). */
  tiers_changed_at: Generated<Date | null>;
  /** When every customer was last re-evaluated for promotion against the ladder. */
  tiers_reevaluated_at: Generated<Date | null>;
}

export interface ApiKeyTable {
  account_id: string;
  id: string;
  kind: "SERVER" | "CLIENT";
  name: string;
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface BrandTable {
  account_id: string;
  id: string;
  name: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A token of the internal API: operator-wide when account_id is null. Only its hash is kept. */
export interface ServiceTokenTable {
  id: string;
  account_id: string | null;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

/** A store or a channel: an id (chosen by the account) that events and requests may name. */
export interface OutletTable {
  account_id: string;
  id: string;
  name: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface IdempotencyKeyTable {
  account_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: unknown;
  /** When the key was claimed (re-set when an abandoned claim is taken over). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TotpCodeTable {
  account_id: string;
  id: string;
  customer_uuid: string;
  code: string;
  metadata: unknown;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

/** An API key's requests in its current fixed one-minute window (shared by every process). */
export interface RequestCounterTable {
  key_id: string;
  window_start: Date;
  count: number;
}
