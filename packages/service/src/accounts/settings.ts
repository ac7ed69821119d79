import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { iso, pgCode } from "../kernel/index.ts";
import { createAccount } from "./accounts.ts";
import { updateOperationalSettings } from "./operations.ts";

/** An account and its settings, as the internal API shows them. */
export interface TAccountView {
  id: string;
  name: string;
  timezone: string;
  tier_period: "monthly" | "quarterly" | "yearly";
  device_token_ttl: number | null;
  cors_origins: string[];
  rate_limit_client_per_minute: number | null;
  rate_limit_server_per_minute: number | null;
  created_at: string;
}

/** Settings an operator may change. */
export interface AccountSettings {
  name?: string | undefined;
  timezone?: string | undefined;
  tier_period?: "monthly" | "quarterly" | "yearly" | undefined;
  device_token_ttl?: number | null | undefined;
  cors_origins?: string[] | undefined;
  rate_limit_client_per_minute?: number | null | undefined;
  rate_limit_server_per_minute?: number | null | undefined;
}

/** The account `id`, or a 404. */
export async function getAccount(db: Db, id: string): Promise<TAccountView> {
  const row = await db
    .selectFrom("accounts")
    .select([
      "id",
      "name",
      "timezone",
      "tier_period",
      "device_token_ttl",
      "cors_origins",
      "rate_limit_client_per_minute",
      "rate_limit_server_per_minute",
      "created_at",
    ])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", `account ${JSON.stringify(id)} not found`);
  return {
    ...row,
    tier_period: row.tier_period as TAccountView["tier_period"],
    cors_origins: row.cors_origins as string[],
    created_at: iso(row.created_at)!,
  };
}

/**
 * Creates an account with its Base tier and `settings`. With a client-given `id` a retry is
 * safe: the account of that id and name is answered as it stands; another name is a CONFLICT.
 */
export async function createAccountWithSettings(
  db: Db,
  opts: { id?: string | undefined; name: string } & AccountSettings,
): Promise<TAccountView> {
  if (opts.id) {
    const existing = await db
      .selectFrom("accounts")
      .select("name")
      .where("id", "=", opts.id)
      .executeTakeFirst();
    if (existing) return answerRetry(db, opts.id, existing.name, opts.name);
  }
  let id: string;
  try {
    ({ id } = await createAccount(db, { name: opts.name, ...(opts.id ? { id: opts.id } : {}) }));
  } catch (error) {
    // Two creates of one id at once: the loser answers as a retry.
    if (pgCode(error) !== "23505" || !opts.id) throw error;
    return answerRetry(db, opts.id, (await getAccount(db, opts.id)).name, opts.name);
  }
  return updateAccountSettings(db, id, { ...opts, name: undefined });
}

async function answerRetry(db: Db, id: string, stored: string, asked: string) {
  if (stored !== asked)
    throw new DomainError(
      "CONFLICT",
      `id: account ${JSON.stringify(id)} already exists with another name`,
    );
  return getAccount(db, id);
}

/** Changes the settings given (the others stay); answers the account as it now is. */
export async function updateAccountSettings(
  db: Db,
  id: string,
  settings: AccountSettings,
): Promise<TAccountView> {
  const set = Object.fromEntries(
    Object.entries({
      name: settings.name,
      timezone: settings.timezone,
      tier_period: settings.tier_period,
      device_token_ttl: settings.device_token_ttl,
    }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(set).length > 0)
    await db.updateTable("accounts").set(set).where("id", "=", id).execute();
  const { cors_origins, rate_limit_client_per_minute, rate_limit_server_per_minute } = settings;
  const operational = Object.fromEntries(
    Object.entries({
      cors_origins,
      rate_limit_client_per_minute,
      rate_limit_server_per_minute,
    }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(operational).length > 0) await updateOperationalSettings(db, id, operational);
  return getAccount(db, id);
}
