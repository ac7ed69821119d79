import {
  ZCursorInputSchema,
  ZLadderChangeSchema,
  ZTierChangeSchema,
  ZTierCreateInputSchema,
  ZTierPageSchema,
  ZTierReorderInputSchema,
  ZTierUpdateInputSchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import {
  createTier,
  deleteTier,
  listTierPage,
  reevaluateLadder,
  reorderTiers,
  updateTier,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";

/**
 * The tier ladder. Every change answers how customers were re-evaluated: promoted now, or left to
 * the tier job on a large account (docs/api-decisions.md#internal-tier-ladder).
 */
export const tiersRouter = createRouter({
  list: accountProcedure
    .input(ZCursorInputSchema)
    .output(ZTierPageSchema)
    .query(({ ctx, input }) => listTierPage(ctx, ctx.accountId, input)),
  create: accountProcedure
    .input(ZTierCreateInputSchema)
    .output(ZTierChangeSchema)
    .mutation(async ({ ctx, input }) => {
      const tier = await createTier(ctx, ctx.accountId, input);
      return { tier, reevaluation: await reevaluateLadder(ctx, ctx.accountId) };
    }),
  update: accountProcedure
    .input(ZTierUpdateInputSchema)
    .output(ZTierChangeSchema)
    .mutation(async ({ ctx, input }) => {
      const tier = await updateTier(ctx, ctx.accountId, input);
      return { tier, reevaluation: await reevaluateLadder(ctx, ctx.accountId) };
    }),
  reorder: accountProcedure
    .input(ZTierReorderInputSchema)
    .output(ZLadderChangeSchema)
    .mutation(async ({ ctx, input }) => {
      const tiers = await reorderTiers(ctx, ctx.accountId, input);
      return { tiers, reevaluation: await reevaluateLadder(ctx, ctx.accountId) };
    }),
  /** Deletes a tier; its customers move down in the same transaction. */
  delete: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZLadderChangeSchema)
    .mutation(async ({ ctx, input }) => {
      const { tiers, moved } = await deleteTier(ctx, ctx.accountId, input.id);
      return { tiers, moved, reevaluation: await reevaluateLadder(ctx, ctx.accountId) };
    }),
});
