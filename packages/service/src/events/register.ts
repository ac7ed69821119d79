import { emptyMetrics } from "@tally/core";
import { json } from "@tally/db";
import type { TCustomerCreate, TTransaction } from "@tally/schemas";
import { catalogVersion, loadCatalog } from "../catalog/index.ts";
import {
  conflictOf,
  deviceTtlOf,
  findCustomer,
  stampDevices,
  toCustomerView,
} from "../customers/index.ts";
import { newId, type ServiceDeps, transact } from "../kernel/index.ts";
import { walletView } from "../ledger/index.ts";
import { registerReferral } from "../programs/index.ts";
import { processEvent } from "./process.ts";
import { recordEventWebhooks } from "./webhooks.ts";

/** Registers a customer with an empty wallet in the Base tier and emits its REGISTRATION event. */
export async function createCustomer(deps: ServiceDeps, accountId: string, input: TCustomerCreate) {
  const now = deps.now();
  const ttl = input.devices?.length ? await deviceTtlOf(deps.db, accountId) : null;
  try {
    return await transact(deps, async (trx) => {
      const base = await trx
        .selectFrom("tiers")
        .select("id")
        .where("account_id", "=", accountId)
        .orderBy("level")
        .limit(1)
        .executeTakeFirstOrThrow();
      const uuid = newId();
      await trx
        .insertInto("customers")
        .values({
          account_id: accountId,
          uuid,
          id: input.id,
          name: input.name ?? null,
          email: input.email ?? null,
          email_status: null,
          is_anonymous: input.is_anonymous,
          gender: input.gender ?? null,
          dob: input.dob ?? null,
          document_type: input.document_type ?? null,
          document_number: input.document_number ?? null,
          country: input.country ?? null,
          registration_date: input.registration_date ?? now,
          tier_id: base.id,
          platforms: json(input.platforms ?? null),
          tags: json(input.tags ?? {}),
          consent: json(input.consent ?? null),
          devices: json(stampDevices(input.devices ?? [], now, ttl)),
          metrics: json(emptyMetrics(now)),
          metadata: json(input.metadata ?? {}),
        })
        .execute();
      const walletId = newId();
      await trx
        .insertInto("wallets")
        .values({ account_id: accountId, id: walletId, customer_uuid: uuid })
        .execute();
      if (input.referral_code) {
        await registerReferral(trx, {
          accountId,
          refereeUuid: uuid,
          code: input.referral_code,
          now,
        });
      }
      const customer = await findCustomer(trx, accountId, input.id);
      const catalog = await loadCatalog(trx, accountId, await catalogVersion(trx, accountId));
      const processed = await processEvent(trx, {
        accountId,
        customer,
        walletId,
        catalog,
        now,
        source: "SYSTEM",
        payload: {
          customer_id: input.id,
          brand_id: null,
          type: "REGISTRATION",
          platform: input.platforms?.[0] ?? null,
          tags: {},
          referral_code: input.referral_code ?? null,
        },
      });
      const answer = {
        customer: toCustomerView(processed.customer, now),
        wallet: walletView({
          walletId,
          customerUuid: uuid,
          now,
          lines: processed.lines,
          rewards: catalog.rewards,
        }),
      };
      const result = processed.event.result as { transactions?: TTransaction[] } | null;
      recordEventWebhooks(trx, {
        accountId,
        customerUuid: uuid,
        customerId: input.id,
        now,
        eventId: processed.event.id,
        kind: "REGISTRATION",
        transactions: result?.transactions ?? [],
        wallet: answer.wallet,
        customer: answer.customer,
        tier: { from: base.id, to: processed.customer.tier_id },
      });
      return answer;
    });
  } catch (error) {
    throw conflictOf(error, input.id);
  }
}
