import { DomainError, notFound } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TConsent, TCustomerUpdate, TIdentifyAnonymous } from "@tally/schemas";
import type { Selectable, Transaction, Updateable } from "kysely";
import type { Catalog } from "../catalog/index.ts";
import {
  compiledOnce,
  type Executor,
  pgCode,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";
import { loadWalletView, recordWalletWebhook } from "../ledger/index.ts";
import { toCustomerView } from "./views.ts";

type Trx = Transaction<Database>;
export type CustomerRow = Selectable<Database["customers"]>;

/** The customer row of a caller's id, or the account-blind 404. */
export async function findCustomer(
  db: Executor,
  accountId: string,
  id: string,
): Promise<CustomerRow> {
  const row = await db
    .selectFrom("customers")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("customer", id);
  return row;
}

// Run for every preview: compiled once (see compiledOnce).
const selectCustomerAndCatalogVersion = compiledOnce((db, accountId: string, id: string) =>
  db
    .selectFrom("customers as c")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .selectAll("c")
    .select("a.catalog_version")
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", id),
);

/** findCustomer with the account's catalog version, in one round trip (no lock). */
export async function findCustomerAndCatalogVersion(
  db: Executor,
  accountId: string,
  id: string,
): Promise<{ customer: CustomerRow; catalogVersion: number }> {
  const [row] = await selectCustomerAndCatalogVersion(db, accountId, id);
  if (!row) throw notFound("customer", id);
  const { catalog_version, ...customer } = row;
  return { customer, catalogVersion: Number(catalog_version) };
}

/**
 * Locks the customer's wallet row — the first lock of every balance change — and
 * the customer row with it, so metrics and tier are read at their latest. Also
 * answers the wallet id, the account's catalog version and whether the customer is
 * anyone's referee, in one round trip.
 */
export function lockCustomer(trx: Trx, accountId: string, id: string) {
  return lockCustomerWhere(trx, accountId, "c.id", id);
}

/** lockCustomer by the customer's uuid (a referrer found through their referral code). */
export function lockCustomerByUuid(trx: Trx, accountId: string, uuid: string) {
  return lockCustomerWhere(trx, accountId, "c.uuid", uuid);
}

/**
 * The customer lock's query (its wallet and row FOR UPDATE, the catalog version, whether it is
 * anyone's referee) by `column`: built by Kysely, then compiled once per column below.
 */
export const buildLockQuery = (
  db: Executor,
  column: "c.id" | "c.uuid",
  accountId: string,
  value: string,
) =>
  db
    .selectFrom("wallets as w")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .innerJoin("accounts as a", "a.id", "w.account_id")
    .selectAll("c")
    .select(["w.id as wallet_id", "a.catalog_version"])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("referrals as r")
            .select("r.id")
            .whereRef("r.account_id", "=", "w.account_id")
            .whereRef("r.referee_uuid", "=", "c.uuid"),
        )
        .as("is_referee"),
    )
    .where("w.account_id", "=", accountId)
    .where(column, "=", value)
    .forUpdate(["w", "c"]);

/** The lock's query by `column`, compiled once (it runs for every event; see compiledOnce). */
const lockQueryBy = (column: "c.id" | "c.uuid") =>
  compiledOnce((db, accountId: string, value: string) =>
    buildLockQuery(db, column, accountId, value),
  );
const lockQueries = { "c.id": lockQueryBy("c.id"), "c.uuid": lockQueryBy("c.uuid") };

async function lockCustomerWhere(
  trx: Trx,
  accountId: string,
  column: "c.id" | "c.uuid",
  value: string,
) {
  const [row] = await lockQueries[column](trx, accountId, value);
  if (!row) throw notFound("customer", value);
  const { wallet_id, catalog_version, is_referee, ...customer } = row;
  return {
    customer: customer as CustomerRow,
    walletId: wallet_id,
    catalogVersion: Number(catalog_version),
    /**
     * Whether a referral names the customer as referee. Referral rows are never deleted and are
     * written only under this lock or with the customer's creation: a stale `false` can only
     * follow a wait for an event that rewarded this referee, and a REWARDED referral settles
     * nothing for a purchase without a code, as none does.
     */
    isReferee: Boolean(is_referee),
  };
}

/** Whether the customer consents to a purpose of their consent (absent = consents). */
export function consentsTo(
  customer: CustomerRow,
  purpose: "behavioral_campaigns" | "punchcard_campaigns" | "coupon_campaigns",
): boolean {
  const consent = customer.consent as { purposes?: Record<string, boolean | undefined> } | null;
  return consent?.purposes?.[purpose] !== false;
}

/** Customer + wallet as the API answers them (wallet id and rewards may be passed when known). */
export async function customerWithWallet(
  db: Executor,
  accountId: string,
  row: CustomerRow,
  now: Date,
  known: { walletId?: string; catalog?: Catalog } = {},
) {
  const walletId =
    known.walletId ??
    (
      await db
        .selectFrom("wallets")
        .select("id")
        .where("account_id", "=", accountId)
        .where("customer_uuid", "=", row.uuid)
        .executeTakeFirstOrThrow()
    ).id;
  return {
    customer: toCustomerView(row, now),
    wallet: await loadWalletView(db, {
      accountId,
      walletId,
      customerUuid: row.uuid,
      now,
      rewards: known.catalog?.rewards,
    }),
  };
}

/** A unique violation on customers as the API answers it: 409 naming the id or the email. */
export function conflictOf(error: unknown, id: string): unknown {
  if (pgCode(error) !== "23505") return error;
  const constraint = (error as { constraint?: string }).constraint ?? "";
  return constraint.includes("email")
    ? new DomainError("CONFLICT", "email: another customer of this account has this email")
    : new DomainError("CONFLICT", `id: customer ${JSON.stringify(id)} already exists`);
}

const profileColumns = (
  p: TCustomerUpdate | TIdentifyAnonymous,
): Updateable<Database["customers"]> => {
  const out: Updateable<Database["customers"]> = {};
  if (p.name !== undefined) out.name = p.name;
  if (p.email !== undefined) out.email = p.email;
  if (p.gender !== undefined) out.gender = p.gender;
  if (p.dob !== undefined) out.dob = p.dob;
  if (p.document_type !== undefined) out.document_type = p.document_type;
  if (p.document_number !== undefined) out.document_number = p.document_number;
  if (p.country !== undefined) out.country = p.country;
  if (p.tags !== undefined) out.tags = json(p.tags ?? {});
  if (p.metadata !== undefined) out.metadata = json(p.metadata ?? {});
  return out;
};

/** Updates profile fields that are present in the body (null clears). */
export async function updateCustomer(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  input: TCustomerUpdate,
) {
  const now = deps.now();
  const set = profileColumns(input);
  try {
    return await transact(deps, async (trx) => {
      const row = await findCustomer(trx, accountId, id);
      const updated = await trx
        .updateTable("customers")
        .set({ ...set, updated_at: now })
        .where("account_id", "=", accountId)
        .where("uuid", "=", row.uuid)
        .returningAll()
        .executeTakeFirstOrThrow();
      const answer = await customerWithWallet(trx, accountId, updated, now);
      recordWalletWebhook(trx, {
        accountId,
        customerUuid: row.uuid,
        now,
        event: "CUSTOMER_ANONYMOUS_TO_REGISTERED",
        eventId: null,
        known: { customerId: updated.id, wallet: answer.wallet },
        extra: () => ({ customer: answer.customer, previous_id: id }),
      });
      return answer;
    });
  } catch (error) {
    throw conflictOf(error, id);
  }
}

/** Replaces the customer's consent. */
export async function updateConsent(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  consent: TConsent,
) {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const row = await findCustomer(trx, accountId, id);
    const updated = await trx
      .updateTable("customers")
      .set({ consent: json(consent), updated_at: now })
      .where("account_id", "=", accountId)
      .where("uuid", "=", row.uuid)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { consent: toCustomerView(updated, now).consent };
  });
}

/**
 * Turns an anonymous customer into an identified one, optionally under a new id, under the
 * customer's lock: of two identifications at once, the second finds it identified (409).
 */
export async function identifyAnonymous(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  input: TIdentifyAnonymous,
) {
  const now = deps.now();
  const ttl = input.devices?.length ? await deviceTtlOf(deps.db, accountId) : null;
  try {
    return await transact(deps, async (trx) => {
      const { customer: row } = await lockCustomer(trx, accountId, id);
      if (!row.is_anonymous)
        throw new DomainError("CONFLICT", `customer ${JSON.stringify(id)} is not anonymous`);
      const set: Updateable<Database["customers"]> = {
        ...profileColumns(input),
        is_anonymous: false,
        updated_at: now,
      };
      if (input.new_id) set.id = input.new_id;
      if (input.email_status !== undefined) set.email_status = input.email_status;
      if (input.consent !== undefined) set.consent = json(input.consent);
      if (input.devices) set.devices = json(stampDevices(input.devices, now, ttl));
      const updated = await trx
        .updateTable("customers")
        .set(set)
        .where("account_id", "=", accountId)
        .where("uuid", "=", row.uuid)
        .returningAll()
        .executeTakeFirstOrThrow();
      const answer = await customerWithWallet(trx, accountId, updated, now);
      recordWalletWebhook(trx, {
        accountId,
        customerUuid: row.uuid,
        now,
        event: "CUSTOMER_ANONYMOUS_TO_REGISTERED",
        eventId: null,
        known: { customerId: updated.id, wallet: answer.wallet },
        extra: () => ({ customer: answer.customer, previous_id: id }),
      });
      return answer;
    });
  } catch (error) {
    throw conflictOf(error, input.new_id ?? id);
  }
}

type DeviceInput = { device_token: string; device_info?: unknown };

/** Devices as stored: each with its creation and, with a token life, its expiry. */
export function stampDevices(devices: DeviceInput[], now: Date, ttlDays: number | null) {
  return devices.map((d) => ({
    device_token: d.device_token,
    device_info: d.device_info ?? null,
    created_at: now.toISOString(),
    expires_at: ttlDays ? new Date(now.getTime() + ttlDays * 86_400_000).toISOString() : null,
  }));
}

/**
 * The days a push token lives in the account: devices need its marketing automation
 * (device_token_ttl), wherever they are given (creation, identification, PATCH /devices).
 */
export async function deviceTtlOf(db: Executor, accountId: string): Promise<number> {
  const account = await db
    .selectFrom("accounts")
    .select("device_token_ttl")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  if (!account.device_token_ttl) {
    throw new DomainError(
      "VALIDATION_FAILED",
      "devices: marketing automation is not enabled for this account (no device_token_ttl), so devices cannot be registered",
    );
  }
  return account.device_token_ttl;
}

/** Registers or refreshes a push token; needs the account's marketing automation (device_token_ttl). */
export async function registerDevice(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  device: DeviceInput,
) {
  const now = deps.now();
  const ttl = await deviceTtlOf(deps.db, accountId);
  return transact(deps, async (trx) => {
    const { customer: row } = await lockCustomer(trx, accountId, id);
    const kept = ((row.devices as DeviceInput[]) ?? []).filter(
      (d) => d.device_token !== device.device_token,
    );
    const devices = [...kept, ...stampDevices([device], now, ttl)];
    const updated = await setDevices(trx, accountId, row.uuid, devices, now);
    return customerWithWallet(trx, accountId, updated, now);
  });
}

/** Removes every push token of the customer. */
export async function deleteDevices(deps: ServiceDeps, accountId: string, id: string) {
  const now = deps.now();
  const row = await findCustomer(deps.db, accountId, id);
  const updated = await setDevices(deps.db, accountId, row.uuid, [], now);
  return customerWithWallet(deps.db, accountId, updated, now);
}

function setDevices(db: Executor, accountId: string, uuid: string, devices: unknown[], now: Date) {
  return db
    .updateTable("customers")
    .set({ devices: json(devices), updated_at: now })
    .where("account_id", "=", accountId)
    .where("uuid", "=", uuid)
    .returningAll()
    .executeTakeFirstOrThrow();
}
