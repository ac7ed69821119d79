import { z } from "zod";

/** The account a call of the internal API acts on: required of operator-wide tokens. */
export const ZAccountScopeSchema = z.object({
  account_id: z.uuid().optional(),
});
export type TAccountScope = z.infer<typeof ZAccountScopeSchema>;

/** Where a list resumes: the `next_cursor` of the page before (absent: the first page). */
export const ZCursorInputSchema = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type TCursorInput = z.input<typeof ZCursorInputSchema>;

/** One page of a list: its items and the cursor of the next page (null on the last). */
export const zCursorPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
