import {
  ZAccountCreateInputSchema,
  ZAccountSchema,
  ZAccountUpdateInputSchema,
} from "@tally/schemas";
import { createAccountWithSettings, getAccount, updateAccountSettings } from "@tally/service";
import { accountProcedure, createRouter, operatorProcedure } from "../trpc.ts";

/** Accounts and their settings. */
export const accountsRouter = createRouter({
  /** Creates an account (operator-wide tokens only); a retry with the same `id` answers it. */
  create: operatorProcedure
    .input(ZAccountCreateInputSchema)
    .output(ZAccountSchema)
    .mutation(({ ctx, input }) => createAccountWithSettings(ctx.db, input)),
  /** The account and its settings. */
  get: accountProcedure
    .output(ZAccountSchema)
    .query(({ ctx }) => getAccount(ctx.db, ctx.accountId)),
  /** Changes the settings given; a retry changes nothing more. */
  update: accountProcedure
    .input(ZAccountUpdateInputSchema)
    .output(ZAccountSchema)
    .mutation(({ ctx, input }) => updateAccountSettings(ctx.db, ctx.accountId, input)),
});
