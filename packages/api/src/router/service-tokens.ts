import {
  ZCursorInputSchema,
  ZServiceTokenCreatedSchema,
  ZServiceTokenCreateInputSchema,
  ZServiceTokenPageSchema,
  ZServiceTokenSchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import { createServiceToken, listServiceTokens, revokeServiceToken } from "@tally/service";
import { accountProcedure, createRouter, operatorProcedure } from "../trpc.ts";

/** Service tokens of one account: create (the secret shown once), list, revoke. */
export const serviceTokensRouter = createRouter({
  create: accountProcedure
    .input(ZServiceTokenCreateInputSchema)
    .output(ZServiceTokenCreatedSchema)
    .mutation(({ ctx, input }) =>
      createServiceToken(ctx.db, { accountId: ctx.accountId, name: input.name, id: input.id }),
    ),
  list: accountProcedure
    .input(ZCursorInputSchema)
    .output(ZServiceTokenPageSchema)
    .query(({ ctx, input }) => listServiceTokens(ctx.db, { accountId: ctx.accountId, ...input })),
  /** Revokes a token at once; revoking it again answers it unchanged. */
  revoke: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZServiceTokenSchema)
    .mutation(({ ctx, input }) =>
      revokeServiceToken(ctx.db, { accountId: ctx.accountId, id: input.id, now: ctx.now() }),
    ),
});

/** Operator-wide tokens (operator-wide tokens only): create, list, revoke. */
export const operatorTokensRouter = createRouter({
  create: operatorProcedure
    .input(ZServiceTokenCreateInputSchema)
    .output(ZServiceTokenCreatedSchema)
    .mutation(({ ctx, input }) =>
      createServiceToken(ctx.db, { accountId: null, name: input.name, id: input.id }),
    ),
  list: operatorProcedure
    .input(ZCursorInputSchema)
    .output(ZServiceTokenPageSchema)
    .query(({ ctx, input }) => listServiceTokens(ctx.db, { accountId: null, ...input })),
  revoke: operatorProcedure
    .input(ZUuidRefSchema)
    .output(ZServiceTokenSchema)
    .mutation(({ ctx, input }) =>
      revokeServiceToken(ctx.db, { accountId: null, id: input.id, now: ctx.now() }),
    ),
});
