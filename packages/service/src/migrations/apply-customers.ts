import { type CustomerMetrics, DomainError, dec, emptyMetrics, rollMetrics } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TMigrateCustomer } from "@tally/schemas";
import type { Insertable, Transaction, Updateable } from "kysely";
import { type CustomerRow, lockCustomer } from "../customers/index.ts";
import { newId, pgCode } from "../kernel/index.ts";
import { toLineView } from "../ledger/index.ts";
import { balanceKeys } from "./keys.ts";
import {
  existingTransactionKeys,
  type ItemContext,
  type ItemOutcome,
  rewardsOf,
} from "./shared.ts";

type Trx = Transaction<Database>;

/**
 * Given metrics laid over a base rolled to `now`: each period merged field by field, in our UTC
 * bounds — a legacy system's own `from`/`to` (its time zone) would make a period look stale and
 * show as zero.
 */
export function mergeMetrics(base: CustomerMetrics, given: TMigrateCustomer["metrics"], now: Date) {
  const out = rollMetrics(base, now);
  for (const [period, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    const current = out[period];
    if (typeof value === "object" && value !== null && typeof current === "object" && current) {
      const { from: _from, to: _to, ...figures } = value;
      out[period] = { ...current, ...figures } as CustomerMetrics[string];
    } else {
      out[period] = value as CustomerMetrics[string];
    }
  }
  out.updated_at = now.toISOString();
  return out;
}

export function profileOf(item: TMigrateCustomer): Updateable<Database["customers"]> {
  const out: Updateable<Database["customers"]> = {};
  if (item.name !== undefined) out.name = item.name;
  if (item.email !== undefined) out.email = item.email;
  if (item.gender !== undefined) out.gender = item.gender;
  if (item.dob !== undefined) out.dob = item.dob;
  if (item.document_type !== undefined) out.document_type = item.document_type;
  if (item.document_number !== undefined) out.document_number = item.document_number;
  if (item.country !== undefined) out.country = item.country;
  if (item.registration_date) out.registration_date = item.registration_date;
  return out;
}

/** Inserts the customer (Base tier, empty wallet, no REGISTRATION event) unless its id exists. */
async function insertIfMissing(trx: Trx, ctx: ItemContext, item: TMigrateCustomer) {
  const base = await trx
    .selectFrom("tiers")
    .select("id")
    .where("account_id", "=", ctx.accountId)
    .orderBy("level")
    .limit(1)
    .executeTakeFirstOrThrow();
  const uuid = newId();
  const inserted = await trx
    .insertInto("customers")
    .values({
      account_id: ctx.accountId,
      uuid,
      id: item.id,
      ...profileOf(item),
      registration_date: item.registration_date ?? ctx.now,
      tier_id: base.id,
      metrics: json(mergeMetrics(emptyMetrics(ctx.now), item.metrics, ctx.now)),
      created_at: ctx.now,
      updated_at: ctx.now,
    } as Insertable<Database["customers"]>)
    .onConflict((oc) => oc.columns(["account_id", "id"]).doNothing())
    .returning("uuid")
    .executeTakeFirst();
  if (!inserted) return false;
  await trx
    .insertInto("wallets")
    .values({ account_id: ctx.accountId, id: newId(), customer_uuid: uuid })
    .execute();
  return true;
}

async function updateProfile(trx: Trx, ctx: ItemContext, row: CustomerRow, item: TMigrateCustomer) {
  const set: Updateable<Database["customers"]> = { ...profileOf(item), updated_at: ctx.now };
  if (item.metrics)
    set.metrics = json(mergeMetrics(row.metrics as CustomerMetrics, item.metrics, ctx.now));
  await trx
    .updateTable("customers")
    .set(set)
    .where("account_id", "=", ctx.accountId)
    .where("uuid", "=", row.uuid)
    .execute();
}

/**
 * The lots and MIGRATION transactions of a customer's opening balance entries not migrated
 * before (keyed by `keys`); an entry already migrated with another amount is a CONFLICT.
 */
export function balanceRows(w: {
  ctx: ItemContext;
  walletId: string;
  customerUuid: string;
  registrationDate: Date;
  entries: NonNullable<TMigrateCustomer["balance"]>;
  keys: string[];
  existing: Map<string, string>;
  rewards: Map<string, { type: string }>;
}) {
  const { ctx, walletId } = w;
  const lines: Insertable<Database["wallet_lines"]>[] = [];
  const transactions: Insertable<Database["transactions"]>[] = [];
  w.entries.forEach((entry, j) => {
    const migrated = w.existing.get(w.keys[j]!);
    if (migrated !== undefined) {
      if (dec(migrated).eq(dec(entry.amount))) return;
      throw new DomainError(
        "CONFLICT",
        `balance[${j}]: this lot of reward ${entry.reward_id} was already migrated with amount ${migrated}, not ${entry.amount}`,
      );
    }
    const line = {
      account_id: ctx.accountId,
      id: newId(),
      wallet_id: walletId,
      reward_id: entry.reward_id,
      campaign_id: null,
      brand_id: entry.brand_id ?? null,
      event_id: null,
      source: "MIGRATION" as const,
      amount: String(entry.amount),
      remaining: String(entry.amount),
      reserved: "0",
      issued_at: new Date(entry.issued_at ?? w.registrationDate),
      expiration_date: entry.expiration_date ? new Date(entry.expiration_date) : null,
      reservation_expires_at: null,
      channel_id: entry.channel_id ?? null,
      store_id: entry.store_id ?? null,
      funded_by: entry.funded_by ?? null,
      created_at: ctx.now,
    };
    lines.push(line);
    transactions.push({
      account_id: ctx.accountId,
      id: newId(),
      wallet_id: walletId,
      customer_uuid: w.customerUuid,
      reward_id: entry.reward_id,
      line_id: line.id,
      brand_id: line.brand_id,
      channel_id: line.channel_id,
      store_id: line.store_id,
      funded_by: line.funded_by,
      reward_type: w.rewards.get(entry.reward_id)!.type,
      type: "MIGRATION",
      amount: line.amount,
      cost: "0",
      details: "Migrated opening balance",
      migration_key: w.keys[j]!,
      issued_at: line.issued_at,
      created_at: ctx.now,
      attributes: json({ line: toLineView({ ...line, created_at: ctx.now }) }),
      metadata: json({}),
    });
  });
  return { lines, transactions };
}

/**
 * Upserts one migrated customer: created in the Base tier with a wallet (no
 * REGISTRATION event) or its profile and metrics updated; then, under the wallet
 * lock, each opening `balance` entry not migrated before becomes a MIGRATION lot
 * plus its MIGRATION transaction (keyed, so a resubmission does not double it).
 */
export async function applyCustomerItem(
  trx: Trx,
  ctx: ItemContext,
  item: TMigrateCustomer,
): Promise<ItemOutcome> {
  try {
    const created = await insertIfMissing(trx, ctx, item);
    const { customer, walletId } = await lockCustomer(trx, ctx.accountId, item.id);
    if (!created) await updateProfile(trx, ctx, customer, item);
    const entries = item.balance ?? [];
    if (entries.length === 0) return { records: 0, duplicates: 0 };
    const keys = balanceKeys(item.id, entries);
    const existing = await existingTransactionKeys(trx, ctx.accountId, customer.uuid, keys);
    const rewards = await rewardsOf(trx, ctx.accountId, entries, "balance");
    const { lines, transactions } = balanceRows({
      ctx,
      walletId,
      customerUuid: customer.uuid,
      registrationDate: customer.registration_date,
      entries,
      keys,
      existing,
      rewards,
    });
    if (lines.length > 0) {
      await trx.insertInto("wallet_lines").values(lines).execute();
      await trx.insertInto("transactions").values(transactions).execute();
    }
    return { records: entries.length, duplicates: entries.length - lines.length };
  } catch (error) {
    if (pgCode(error) === "23505" && String((error as Error).message).includes("email"))
      throw new DomainError("CONFLICT", "email: another customer of this account has this email");
    throw error;
  }
}
