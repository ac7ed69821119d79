import {
  ZCampaignCreateInputSchema,
  ZCampaignListInputSchema,
  ZCampaignUpdateInputSchema,
  ZInternalCampaignPageSchema,
  ZInternalCampaignSchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import {
  changeCampaignState,
  createCampaign,
  getCampaignRecord,
  listCampaignRecords,
  updateCampaign,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";
import { toInternalCampaign } from "../views.ts";

/** A campaign state change: pause, resume or archive (asking for the current state answers it). */
const stateChange = (change: "pause" | "resume" | "archive") =>
  accountProcedure
    .input(ZUuidRefSchema)
    .output(ZInternalCampaignSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalCampaign(await changeCampaignState(ctx, ctx.accountId, input.id, change)),
    );

/** Campaigns of the four types: written as REST writes them (the same checks and frozen fields). */
export const campaignsRouter = createRouter({
  get: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZInternalCampaignSchema)
    .query(async ({ ctx, input }) =>
      toInternalCampaign(await getCampaignRecord(ctx, ctx.accountId, input.id)),
    ),
  list: accountProcedure
    .input(ZCampaignListInputSchema)
    .output(ZInternalCampaignPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listCampaignRecords(ctx, ctx.accountId, input);
      return { ...page, items: page.items.map(toInternalCampaign) };
    }),
  create: accountProcedure
    .input(ZCampaignCreateInputSchema)
    .output(ZInternalCampaignSchema)
    .mutation(async ({ ctx, input }) => {
      const { id, code_format, account_id: _, ...write } = input;
      const created = await createCampaign(ctx, ctx.accountId, input.type, write, {
        id,
        codeFormat: code_format,
      });
      return toInternalCampaign(await getCampaignRecord(ctx, ctx.accountId, created.id));
    }),
  update: accountProcedure
    .input(ZCampaignUpdateInputSchema)
    .output(ZInternalCampaignSchema)
    .mutation(async ({ ctx, input }) => {
      const { id, code_format, account_id: _, ...write } = input;
      await updateCampaign(ctx, ctx.accountId, id, undefined, write, { codeFormat: code_format });
      return toInternalCampaign(await getCampaignRecord(ctx, ctx.accountId, id));
    }),
  pause: stateChange("pause"),
  resume: stateChange("resume"),
  /** Ends the campaign now for good: it reads FINISHED and never changes again. */
  archive: stateChange("archive"),
});
