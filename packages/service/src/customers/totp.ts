import { randomInt } from "node:crypto";
import { DomainError } from "@tally/core";
import { json } from "@tally/db";
import { newId, pgCode, type ServiceDeps, transact } from "../kernel/index.ts";
import { customerWithWallet, findCustomer } from "./customers.ts";

/** How long a one-time customer code lives. */
export const TOTP_TTL_MS = 5 * 60_000;

/** Creates a 6-digit single-use code for a customer, valid five minutes. */
export async function createTotp(
  deps: ServiceDeps,
  accountId: string,
  input: { customer_id: string; metadata?: Record<string, unknown> | null | undefined },
) {
  const now = deps.now();
  const customer = await findCustomer(deps.db, accountId, input.customer_id);
  // Close lapsed codes so their digits can be handed out again.
  await deps.db
    .updateTable("totp_codes")
    .set({ used_at: now })
    .where("account_id", "=", accountId)
    .where("used_at", "is", null)
    .where("expires_at", "<=", now)
    .execute();
  for (let attempt = 0; attempt < 10; attempt++) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const expiresAt = new Date(now.getTime() + TOTP_TTL_MS);
    try {
      return await transact(deps, async (trx) => {
        await trx
          .insertInto("totp_codes")
          .values({
            account_id: accountId,
            id: newId(),
            customer_uuid: customer.uuid,
            code,
            metadata: json(input.metadata ?? {}),
            expires_at: expiresAt,
            used_at: null,
          })
          .execute();
        return { code, expired_at: expiresAt.toISOString() };
      });
    } catch (error) {
      if (pgCode(error) !== "23505") throw error;
    }
  }
  throw new DomainError("CONFLICT", "could not find a free one-time code; try again");
}

/** Verifies (and uses up) a code: the customer, wallet and the metadata given at creation. */
export async function verifyTotp(deps: ServiceDeps, accountId: string, code: string) {
  const now = deps.now();
  const used = await deps.db
    .updateTable("totp_codes")
    .set({ used_at: now })
    .where("account_id", "=", accountId)
    .where("code", "=", code)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning(["customer_uuid", "metadata"])
    .executeTakeFirst();
  if (!used)
    throw new DomainError(
      "NOT_FOUND",
      "code: no live one-time code matches (unknown, used or expired)",
    );
  const customer = await deps.db
    .selectFrom("customers")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("uuid", "=", used.customer_uuid)
    .executeTakeFirstOrThrow();
  return {
    ...(await customerWithWallet(deps.db, accountId, customer, now)),
    metadata: used.metadata ?? {},
  };
}
