import { CLOCK_SKEW_MS, DomainError, isRuleRefusal, notFound } from "@tally/core";
import { EVENT_TYPES_SERVER_ONLY, type TEvent, type TEventCreate } from "@tally/schemas";
import { assertOutlets, catalogVersion, loadCatalog } from "../catalog/index.ts";
import {
  customerWithWallet,
  findCustomer,
  lockCustomer,
  toCustomerView,
} from "../customers/index.ts";
import {
  canonicalHash,
  type Principal,
  pgCode,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";
import { walletView } from "../ledger/index.ts";
import { processEvent } from "./process.ts";
import { spendForEvent } from "./spending/event.ts";
import { redeemArraysOf } from "./spending/redeem.ts";
import { toEventView } from "./view.ts";
import { recordEventWebhooks } from "./webhooks.ts";

const MAX_BACKDATE_MS = 72 * 3600_000;

/** Checks what the schema cannot: key kind, timing and per-type requirements. */
function checkEmit(principal: Principal, input: TEventCreate, now: Date): Date {
  if (
    principal.kind === "CLIENT" &&
    (EVENT_TYPES_SERVER_ONLY as readonly string[]).includes(input.type)
  ) {
    throw new DomainError(
      "FORBIDDEN",
      `type: ${input.type} events need a SERVER key; CLIENT keys may send tracking events only`,
    );
  }
  // A tracking event moves no balance: redeeming, or an unfulfilled event that would hold
  // units or credit them when fulfilled, needs a SERVER key.
  if (principal.kind === "CLIENT") {
    const field = redeems(input) ? "redeem" : input.fulfilled === false ? "fulfilled" : null;
    if (field) {
      throw new DomainError(
        "FORBIDDEN",
        `${field}: redeeming or holding rewards needs a SERVER key; CLIENT keys may send tracking events only`,
      );
    }
  }
  const issuedAt = input.issued_at ? new Date(input.issued_at) : now;
  if (issuedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new DomainError("VALIDATION_FAILED", "issued_at: must not be in the future");
  }
  if (issuedAt.getTime() < now.getTime() - MAX_BACKDATE_MS) {
    throw new DomainError("VALIDATION_FAILED", "issued_at: must be within the last 72 hours");
  }
  if (input.type === "PURCHASE" && !input.order) {
    throw new DomainError("VALIDATION_FAILED", "order: is required for PURCHASE events");
  }
  return issuedAt;
}

/** Whether any redeem array of the event (top level, order, products, shipping) names a reward. */
const redeems = (input: TEventCreate): boolean =>
  redeemArraysOf(input).some((items) => Array.isArray(items) && items.length > 0);

const duplicatePurchase = (purchaseId: string) =>
  new DomainError(
    "CONFLICT",
    `order.purchase_id: ${JSON.stringify(purchaseId)} was already used by another event of this brand`,
  );

/**
 * Emits an event synchronously: processed in one transaction and answered RESOLVED
 * (201). A PURCHASE replayed with the same purchase_id and payload answers the
 * original event (200); the same purchase_id with another payload is a 409.
 * Replays are detected by the unique (account, brand, purchase_id) index: the
 * replay's transaction rolls back whole, then the original is looked up.
 */
export async function emitEvent(
  deps: ServiceDeps,
  principal: Principal,
  input: TEventCreate,
): Promise<{ status: 200 | 201; event: TEvent }> {
  const now = deps.now();
  const { accountId } = principal;
  const purchaseId = input.type === "PURCHASE" ? (input.order?.purchase_id ?? null) : null;
  const payloadHash = canonicalHash(input);
  let issuedAt: Date;
  try {
    issuedAt = checkEmit(principal, input, now);
  } catch (error) {
    // A retried purchase is answered from its original even once its issued_at has left the window.
    const late = error instanceof DomainError && error.details.startsWith("issued_at");
    if (late && purchaseId) {
      const replay = await replayPurchase(deps, { accountId, input, purchaseId, payloadHash, now });
      if (replay) return replay;
    }
    throw error;
  }
  try {
    // A deadlock victim (e.g. two customers who referred each other, first purchases at once)
    // is run again, whole.
    return await transact(deps, async (trx) => {
      const locked = await lockCustomer(trx, accountId, input.customer_id);
      const catalog = await loadCatalog(trx, accountId, locked.catalogVersion);
      if (!catalog.brands.has(input.brand_id)) {
        throw new DomainError(
          "NOT_FOUND",
          `brand_id: brand ${JSON.stringify(input.brand_id)} not found`,
        );
      }
      if (input.order) assertOutlets(catalog, input.order, "order.");
      const payload = { ...input, issued_at: issuedAt.toISOString() };
      const spending = await spendForEvent(trx, {
        accountId,
        customer: locked.customer,
        walletId: locked.walletId,
        catalog,
        payload,
        now,
        issuedAt,
      });
      const processed = await processEvent(trx, {
        accountId,
        customer: locked.customer,
        walletId: locked.walletId,
        catalog,
        payload: spending.payload,
        now,
        source: "API",
        issuedAt,
        purchaseId,
        payloadHash,
        isReferee: locked.isReferee,
        ...spending.process,
      });
      const view = toEventView(processed.event, input.customer_id);
      // The version read under the lock may predate a reward that another process
      // already credited to this wallet; then read the catalog as it is now.
      const stale = processed.lines.some((l) => !catalog.rewards.has(l.reward_id));
      const rewards = stale
        ? (await loadCatalog(trx, accountId, await catalogVersion(trx, accountId))).rewards
        : catalog.rewards;
      const current = {
        customer: toCustomerView(processed.customer, now),
        wallet: walletView({
          walletId: locked.walletId,
          customerUuid: locked.customer.uuid,
          now,
          lines: processed.lines,
          rewards,
        }),
      };
      recordEventWebhooks(trx, {
        accountId,
        customerUuid: locked.customer.uuid,
        customerId: input.customer_id,
        now,
        eventId: view.id,
        kind: processed.event.status === "PENDING" ? "PENDING" : "RESOLVED",
        transactions: view.result?.transactions ?? [],
        wallet: current.wallet,
        tier: { from: locked.customer.tier_id, to: processed.customer.tier_id },
        expiresAt: processed.event.reservation_expires_at as Date | null,
      });
      return {
        status: 201 as const,
        event: { ...view, result: view.result && { ...view.result, ...current } },
      };
    });
  } catch (error) {
    if (!purchaseId) throw error;
    const duplicate = pgCode(error) === "23505";
    // A retried purchase that redeems fails its spending first (the original spent the units):
    // it is still a replay, answered from the original.
    if (!duplicate && !isRuleRefusal(error)) throw error;
    const replay = await replayPurchase(deps, { accountId, input, purchaseId, payloadHash, now });
    if (replay) return replay;
    throw duplicate ? duplicatePurchase(purchaseId) : error;
  }
}

/**
 * The original event of a replayed purchase (200); 409 when that purchase_id was
 * used with another payload or customer; null when there is no such purchase.
 */
async function replayPurchase(
  deps: ServiceDeps,
  r: { accountId: string; input: TEventCreate; purchaseId: string; payloadHash: string; now: Date },
): Promise<{ status: 200; event: TEvent } | null> {
  const existing = await deps.db
    .selectFrom("events")
    .selectAll()
    .where("account_id", "=", r.accountId)
    .where("brand_id", "=", r.input.brand_id)
    .where("purchase_id", "=", r.purchaseId)
    .where("source", "=", "API")
    .executeTakeFirst();
  if (!existing) return null;
  const customer = await findCustomer(deps.db, r.accountId, r.input.customer_id);
  if (existing.payload_hash !== r.payloadHash || existing.customer_uuid !== customer.uuid) {
    throw duplicatePurchase(r.purchaseId);
  }
  const view = toEventView(existing, customer.id);
  const current = await customerWithWallet(deps.db, r.accountId, customer, r.now);
  return { status: 200, event: { ...view, result: view.result && { ...view.result, ...current } } };
}

/** One event of the account, or 404. */
export async function getEvent(deps: ServiceDeps, accountId: string, id: string): Promise<TEvent> {
  const row = await deps.db
    .selectFrom("events as e")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "e.account_id").onRef("c.uuid", "=", "e.customer_uuid"),
    )
    .selectAll("e")
    .select("c.id as customer_id")
    .where("e.account_id", "=", accountId)
    .where("e.id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("event", id);
  return toEventView(row, row.customer_id);
}
