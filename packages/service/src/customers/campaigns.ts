import { type CampaignListQuery, listCampaigns } from "../catalog/index.ts";
import type { ServiceDeps } from "../kernel/index.ts";
import { customerFacts } from "../kernel/index.ts";
import { consentsTo, findCustomer } from "./customers.ts";

/**
 * GET /campaigns: the account's campaigns, or with `customer_id` those the customer can take
 * part in (running or scheduled, consented to, with effects for its tier and conditions on it
 * that hold now).
 */
export async function listCampaignsFor(
  deps: ServiceDeps,
  accountId: string,
  q: CampaignListQuery & { customer_id?: string | undefined },
) {
  if (!q.customer_id) return listCampaigns(deps, accountId, q);
  const row = await findCustomer(deps.db, accountId, q.customer_id);
  return listCampaigns(deps, accountId, q, {
    customer: customerFacts(row),
    consents: (purpose) => consentsTo(row, purpose),
  });
}
