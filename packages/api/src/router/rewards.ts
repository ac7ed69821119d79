import {
  ZGiftCardPoolPageSchema,
  ZGiftCardsAddInputSchema,
  ZGiftCardsListInputSchema,
  ZInternalRewardPageSchema,
  ZInternalRewardSchema,
  ZRewardCreateInputSchema,
  ZRewardListInputSchema,
  ZRewardUpdateInputSchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import {
  addGiftCardsOnce,
  archiveReward,
  createRewardOnce,
  getRewardRecord,
  listGiftCardPoolPage,
  listRewardRecords,
  updateReward,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";
import { toInternalReward } from "../views.ts";

/** Rewards (create, update, archive) and the code pools of GIFT_CARD rewards. */
export const rewardsRouter = createRouter({
  get: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZInternalRewardSchema)
    .query(async ({ ctx, input }) =>
      toInternalReward(await getRewardRecord(ctx, ctx.accountId, input.id)),
    ),
  list: accountProcedure
    .input(ZRewardListInputSchema)
    .output(ZInternalRewardPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listRewardRecords(ctx, ctx.accountId, input);
      return { ...page, items: page.items.map(toInternalReward) };
    }),
  create: accountProcedure
    .input(ZRewardCreateInputSchema)
    .output(ZInternalRewardSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalReward(await createRewardOnce(ctx, ctx.accountId, input)),
    ),
  update: accountProcedure
    .input(ZRewardUpdateInputSchema)
    .output(ZInternalRewardSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalReward(await updateReward(ctx, ctx.accountId, input)),
    ),
  /** No campaign may give it any more; lots earned stay spendable. */
  archive: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZInternalRewardSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalReward(await archiveReward(ctx, ctx.accountId, input.id)),
    ),
  giftCards: createRouter({
    add: accountProcedure
      .input(ZGiftCardsAddInputSchema)
      .output(ZGiftCardPoolPageSchema)
      .mutation(({ ctx, input }) =>
        addGiftCardsOnce(ctx, ctx.accountId, input.reward_id, { codes: input.codes }),
      ),
    list: accountProcedure
      .input(ZGiftCardsListInputSchema)
      .output(ZGiftCardPoolPageSchema)
      .query(({ ctx, input }) => listGiftCardPoolPage(ctx, ctx.accountId, input.reward_id, input)),
  }),
});
