import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import {
  type TOperationalSettings,
  type TOperationalSettingsUpdate,
  ZOperationalSettingsUpdateSchema,
} from "@tally/schemas";
import { sql } from "kysely";
import { parseOrThrow } from "../kernel/index.ts";

const COLUMNS = [
  "cors_origins",
  "rate_limit_client_per_minute",
  "rate_limit_server_per_minute",
] as const;

/** An account's operational settings: CORS origins and requests per minute per key kind. */
export async function getOperationalSettings(
  db: Db,
  accountId: string,
): Promise<TOperationalSettings> {
  const row = await db
    .selectFrom("accounts")
    .select(COLUMNS)
    .where("id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", `account ${JSON.stringify(accountId)} not found`);
  return row;
}

/** Changes the settings `input` names (validated; others unchanged) and answers them all. */
export async function updateOperationalSettings(
  db: Db,
  accountId: string,
  input: unknown,
): Promise<TOperationalSettings> {
  const change: TOperationalSettingsUpdate = parseOrThrow(ZOperationalSettingsUpdateSchema, input);
  const { cors_origins, ...limits } = change;
  const row = await db
    .updateTable("accounts")
    .set({
      ...limits,
      ...(cors_origins ? { cors_origins: JSON.stringify([...new Set(cors_origins)]) } : {}),
    })
    .where("id", "=", accountId)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", `account ${JSON.stringify(accountId)} not found`);
  return row;
}

/** Every origin some account allows (a preflight, which carries no key, is answered for these). */
export async function listCorsOrigins(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("accounts")
    .select((eb) => eb.fn<string>("jsonb_array_elements_text", ["cors_origins"]).as("origin"))
    .where(sql<boolean>`cors_origins <> '[]'::jsonb`)
    .distinct()
    .execute();
  return rows.map((r) => r.origin);
}

/**
 * Settings read at most once per `ttlMs` per account (and the union of origins once per
 * `ttlMs`): checked on every request, so a change takes up to `ttlMs` to apply everywhere.
 */
export function cachedAccountSettings(db: Db, ttlMs = 10_000) {
  const byAccount = new Map<string, { at: number; settings: Promise<TOperationalSettings> }>();
  let origins: { at: number; list: Promise<Set<string>> } | null = null;
  const fresh = (at: number) => Date.now() - at < ttlMs;
  return {
    get(accountId: string): Promise<TOperationalSettings> {
      const hit = byAccount.get(accountId);
      if (hit && fresh(hit.at)) return hit.settings;
      if (byAccount.size >= 10_000) byAccount.clear();
      const settings = getOperationalSettings(db, accountId);
      byAccount.set(accountId, { at: Date.now(), settings });
      settings.catch(() => byAccount.delete(accountId));
      return settings;
    },
    anyOrigins(): Promise<Set<string>> {
      if (origins && fresh(origins.at)) return origins.list;
      const list = listCorsOrigins(db).then((l) => new Set(l));
      origins = { at: Date.now(), list };
      list.catch(() => {
        origins = null;
      });
      return list;
    },
  };
}
export type AccountSettingsCache = ReturnType<typeof cachedAccountSettings>;
