import { accountsRouter } from "./router/accounts.ts";
import { apiKeysRouter } from "./router/api-keys.ts";
import { campaignsRouter } from "./router/campaigns.ts";
import { couponCodesRouter } from "./router/coupon-codes.ts";
import { customersRouter } from "./router/customers.ts";
import { brandsRouter, channelsRouter, storesRouter } from "./router/directory.ts";
import {
  eventsRouter,
  giftCardsRouter,
  ledgerRouter,
  migrationsRouter,
} from "./router/operations.ts";
import { rewardsRouter } from "./router/rewards.ts";
import { operatorTokensRouter, serviceTokensRouter } from "./router/service-tokens.ts";
import { tiersRouter } from "./router/tiers.ts";
import { webhooksRouter } from "./router/webhooks.ts";
import { createCallerFactory, createRouter } from "./trpc.ts";

/**
 * The internal API: one router per domain module, each in `router/<domain>.ts`. A router
 * added here is served by every host and typed in every client.
 */
export const appRouter = createRouter({
  accounts: accountsRouter,
  serviceTokens: serviceTokensRouter,
  operatorTokens: operatorTokensRouter,
  webhooks: webhooksRouter,
  apiKeys: apiKeysRouter,
  brands: brandsRouter,
  stores: storesRouter,
  channels: channelsRouter,
  customers: customersRouter,
  events: eventsRouter,
  ledger: ledgerRouter,
  giftCards: giftCardsRouter,
  migrations: migrationsRouter,
  tiers: tiersRouter,
  rewards: rewardsRouter,
  campaigns: campaignsRouter,
  couponCodes: couponCodesRouter,
});

/** The internal API's type: all a client needs (`@tally/client` is typed by it). */
export type AppRouter = typeof appRouter;

/** In-process calls of the API (`pnpm admin`, benchmarks): `createCaller(context)`. */
export const createCaller = createCallerFactory(appRouter);
