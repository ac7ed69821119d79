import {
  ZCodePageSchema,
  ZCodeRefSchema,
  ZCodeSchema,
  ZCodesBatchSchema,
  ZCodesExportInputSchema,
  ZCodesExportSchema,
  ZCodesGenerateInputSchema,
  ZCodesImportInputSchema,
  ZCodesImportResultSchema,
  ZCodesListInputSchema,
} from "@tally/schemas";
import { disableCode, exportCodesCsv, generateCodes, importCodes, listCodes } from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";

/** The codes of COUPONS campaigns (docs/api-decisions.md#internal-coupon-codes). */
export const couponCodesRouter = createRouter({
  generate: accountProcedure
    .input(ZCodesGenerateInputSchema)
    .output(ZCodesBatchSchema)
    .mutation(({ ctx, input }) => generateCodes(ctx, ctx.accountId, input)),
  import: accountProcedure
    .input(ZCodesImportInputSchema)
    .output(ZCodesImportResultSchema)
    .mutation(({ ctx, input }) => importCodes(ctx, ctx.accountId, input)),
  list: accountProcedure
    .input(ZCodesListInputSchema)
    .output(ZCodePageSchema)
    .query(({ ctx, input }) => listCodes(ctx, ctx.accountId, input)),
  disable: accountProcedure
    .input(ZCodeRefSchema)
    .output(ZCodeSchema)
    .mutation(({ ctx, input }) => disableCode(ctx, ctx.accountId, input.code)),
  /** The CSV text (a procedure, so the typed client and its token fetch it like any other). */
  exportCsv: accountProcedure
    .input(ZCodesExportInputSchema)
    .output(ZCodesExportSchema)
    .query(({ ctx, input }) => exportCodesCsv(ctx, ctx.accountId, input)),
});
