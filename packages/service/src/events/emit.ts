import { createHash } from "node:crypto";
import { DomainError, notFound } from "@tally/core";
import { EVENT_TYPES_SERVER_ONLY, type TEvent, type TEventCreate } from "@tally/schemas";
import { assertBrand } from "../accounts.ts";
import { customerWithWallet, lockCustomer } from "../customers.ts";
import { type Principal, pgCode, type ServiceDeps } from "../deps.ts";
import { processEvent } from "./process.ts";
import { toEventView } from "./view.ts";

const MAX_BACKDATE_MS = 72 * 3600_000;
const CLOCK_SKEW_MS = 60_000;

function hasRedeem(input: TEventCreate): boolean {
  const o = input.order;
  return Boolean(
    input.redeem?.length ||
      o?.redeem?.length ||
      o?.shipping?.redeem?.length ||
      o?.products?.some((p) => p.redeem?.length),
  );
}

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
  if (hasRedeem(input)) {
    throw new DomainError(
      "UNSUPPORTED",
      "redeem: redemptions inside events are not supported yet; nothing was processed",
    );
  }
  if (!input.fulfilled) {
    throw new DomainError(
      "UNSUPPORTED",
      "fulfilled: unfulfilled (reserved) events are not supported yet; nothing was processed",
    );
  }
  return issuedAt;
}

/**
 * Emits an event synchronously: processed in one transaction and answered RESOLVED
 * (201). A PURCHASE replayed with the same purchase_id and payload answers the
 * original event (200); the same purchase_id with another payload is a 409.
 */
export async function emitEvent(
  deps: ServiceDeps,
  principal: Principal,
  input: TEventCreate,
): Promise<{ status: 200 | 201; event: TEvent }> {
  const now = deps.now();
  const issuedAt = checkEmit(principal, input, now);
  const { accountId } = principal;
  await assertBrand(deps.db, accountId, input.brand_id);
  const purchaseId = input.type === "PURCHASE" ? (input.order?.purchase_id ?? null) : null;
  const payloadHash = createHash("sha256").update(JSON.stringify(input)).digest("hex");
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const customer = await lockCustomer(trx, accountId, input.customer_id);
      if (purchaseId) {
        const existing = await trx
          .selectFrom("events")
          .selectAll()
          .where("account_id", "=", accountId)
          .where("brand_id", "=", input.brand_id)
          .where("purchase_id", "=", purchaseId)
          .where("source", "=", "API")
          .executeTakeFirst();
        if (existing) {
          if (existing.payload_hash !== payloadHash || existing.customer_uuid !== customer.uuid) {
            throw duplicatePurchase(purchaseId);
          }
          const view = toEventView(existing, customer.id);
          const current = await customerWithWallet(trx, accountId, customer, now);
          return {
            status: 200 as const,
            event: { ...view, result: view.result && { ...view.result, ...current } },
          };
        }
      }
      const processed = await processEvent(trx, {
        accountId,
        customer,
        payload: { ...input, issued_at: issuedAt.toISOString() },
        now,
        source: "API",
        issuedAt,
        purchaseId,
        payloadHash,
      });
      const view = toEventView(processed.event, customer.id);
      const current = await customerWithWallet(trx, accountId, processed.customer, now);
      return {
        status: 201 as const,
        event: { ...view, result: view.result && { ...view.result, ...current } },
      };
    });
  } catch (error) {
    if (pgCode(error) === "23505" && purchaseId) throw duplicatePurchase(purchaseId);
    throw error;
  }
}

const duplicatePurchase = (purchaseId: string) =>
  new DomainError(
    "CONFLICT",
    `order.purchase_id: ${JSON.stringify(purchaseId)} was already used by another event of this brand`,
  );

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
