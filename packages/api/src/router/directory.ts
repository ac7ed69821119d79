import {
  ZCursorInputSchema,
  ZDeletedSchema,
  ZDirectoryEntryInputSchema,
  ZDirectoryEntrySchema,
  ZDirectoryPageSchema,
  ZDirectoryRefSchema,
} from "@tally/schemas";
import {
  createDirectoryEntry,
  type DirectoryKind,
  deleteDirectoryEntry,
  listDirectoryEntries,
  updateDirectoryEntry,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";

/**
 * The router of brands, stores or channels: create (a retry with the same id and name answers
 * the entry), update (rename), list, delete (when nothing names it).
 */
function directoryRouter(kind: DirectoryKind) {
  return createRouter({
    create: accountProcedure
      .input(ZDirectoryEntryInputSchema)
      .output(ZDirectoryEntrySchema)
      .mutation(({ ctx, input }) =>
        createDirectoryEntry(ctx, kind, { accountId: ctx.accountId, ...input }),
      ),
    update: accountProcedure
      .input(ZDirectoryEntryInputSchema)
      .output(ZDirectoryEntrySchema)
      .mutation(({ ctx, input }) =>
        updateDirectoryEntry(ctx, kind, { accountId: ctx.accountId, ...input }),
      ),
    list: accountProcedure
      .input(ZCursorInputSchema)
      .output(ZDirectoryPageSchema)
      .query(({ ctx, input }) =>
        listDirectoryEntries(ctx, kind, { accountId: ctx.accountId, ...input }),
      ),
    delete: accountProcedure
      .input(ZDirectoryRefSchema)
      .output(ZDeletedSchema)
      .mutation(({ ctx, input }) =>
        deleteDirectoryEntry(ctx, kind, { accountId: ctx.accountId, id: input.id }),
      ),
  });
}

export const brandsRouter = directoryRouter("brands");
export const storesRouter = directoryRouter("stores");
export const channelsRouter = directoryRouter("channels");
