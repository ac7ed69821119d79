import {
  ZAdjustmentInputSchema,
  ZCustomerEventsInputSchema,
  ZCustomerLedgerInputSchema,
  ZCustomerPageSchema,
  ZCustomerRefSchema,
  ZCustomerSearchInputSchema,
  ZEventPageSchema,
  ZInternalCustomerWithWalletSchema,
  ZInternalEventSchema,
  ZTransactionPageSchema,
} from "@tally/schemas";
import {
  adjustWallet,
  getCustomerWithWallet,
  listCustomerLedger,
  listEventsOfCustomer,
  searchCustomers,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";
import { toInternalCustomerWithWallet, toInternalEvent } from "../views.ts";

/** Customers: search, one with its wallet, its ledger and events, and manual adjustments. */
export const customersRouter = createRouter({
  search: accountProcedure
    .input(ZCustomerSearchInputSchema)
    .output(ZCustomerPageSchema)
    .query(({ ctx, input }) => searchCustomers(ctx, ctx.accountId, input)),
  get: accountProcedure
    .input(ZCustomerRefSchema)
    .output(ZInternalCustomerWithWalletSchema)
    .query(async ({ ctx, input }) =>
      toInternalCustomerWithWallet(
        await getCustomerWithWallet(ctx, ctx.accountId, input.customer_id),
      ),
    ),
  ledger: accountProcedure
    .input(ZCustomerLedgerInputSchema)
    .output(ZTransactionPageSchema)
    .query(({ ctx, input }) => listCustomerLedger(ctx, ctx.accountId, input)),
  events: accountProcedure
    .input(ZCustomerEventsInputSchema)
    .output(ZEventPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listEventsOfCustomer(ctx, ctx.accountId, input);
      return { ...page, items: page.items.map(toInternalEvent) };
    }),
  /** A credit or debit of one reward, by hand; `events.reverse` undoes it. */
  adjust: accountProcedure
    .input(ZAdjustmentInputSchema)
    .output(ZInternalEventSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalEvent(await adjustWallet(ctx, ctx.accountId, input)),
    ),
});
