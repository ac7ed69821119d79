// Catalog and customers the operations tests stand on, made through the services.
import { randomUUID } from "node:crypto";
import { ZCustomerCreateSchema, ZRewardInsertSchema } from "@tally/schemas";
import { createCustomer, createReward } from "@tally/service";
import type { InternalApiHarness } from "./harness.ts";

/** A POINTS reward (worth 0.1 each, 2 decimals unless said) of the account. */
export async function pointsReward(
  h: InternalApiHarness,
  accountId: string,
  attributes: Record<string, unknown> = { conversion_factor: 0.1, decimals: 2 },
) {
  return createReward(
    h.deps,
    accountId,
    ZRewardInsertSchema.parse({ name: "Points", type: "POINTS", attributes }),
  );
}

/** A customer of the account (a fresh id unless given). */
export async function customer(
  h: InternalApiHarness,
  accountId: string,
  fields: Record<string, unknown> = {},
) {
  const made = await createCustomer(
    h.deps,
    accountId,
    ZCustomerCreateSchema.parse({ id: `c-${randomUUID()}`, ...fields }),
  );
  return made.customer as { id: string; tier_id: string };
}
