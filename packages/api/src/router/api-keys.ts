import {
  ZApiKeyCreatedSchema,
  ZApiKeyCreateInputSchema,
  ZApiKeyPageSchema,
  ZApiKeySchema,
  ZCursorInputSchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import { createApiKeyOnce, listApiKeys, revokeApiKeyOf } from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";

/** Storefront API keys of one account: create (the key shown once), list, revoke. */
export const apiKeysRouter = createRouter({
  create: accountProcedure
    .input(ZApiKeyCreateInputSchema)
    .output(ZApiKeyCreatedSchema)
    .mutation(({ ctx, input }) => createApiKeyOnce(ctx.db, { accountId: ctx.accountId, ...input })),
  list: accountProcedure
    .input(ZCursorInputSchema)
    .output(ZApiKeyPageSchema)
    .query(({ ctx, input }) => listApiKeys(ctx.db, { accountId: ctx.accountId, ...input })),
  /** Stops the key getting new tokens; revoking it again answers it unchanged. */
  revoke: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZApiKeySchema)
    .mutation(({ ctx, input }) =>
      revokeApiKeyOf(ctx.db, { accountId: ctx.accountId, id: input.id, now: ctx.now() }),
    ),
});
