import { z } from "zod";
import { ZIdSchema, ZNameSchema } from "../common.ts";
import { zCursorPage } from "./common.ts";

/** A brand, store or channel: an id the account chooses ("0001") and a name. */
export const ZDirectoryEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
});
export type TDirectoryEntry = z.infer<typeof ZDirectoryEntrySchema>;

/** brands/stores/channels .create and .update: the id is the client's, so a retry is safe. */
export const ZDirectoryEntryInputSchema = z.object({ id: ZIdSchema, name: ZNameSchema });

/** Names one brand, store or channel. */
export const ZDirectoryRefSchema = z.object({ id: ZIdSchema });

export const ZDirectoryPageSchema = zCursorPage(ZDirectoryEntrySchema);

export const ZDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

/** A storefront API key as lists show it (never the key). */
export const ZApiKeySchema = z.object({
  id: z.uuid(),
  kind: z.enum(["SERVER", "CLIENT"]),
  name: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type TApiKey = z.infer<typeof ZApiKeySchema>;

/** A new API key: the key, shown this once. */
export const ZApiKeyCreatedSchema = ZApiKeySchema.extend({ key: z.string() });

export const ZApiKeyCreateInputSchema = z.object({
  /** A client-given id: a retry with it is a CONFLICT, never a second key. */
  id: z.uuid().optional(),
  kind: z.enum(["SERVER", "CLIENT"]),
  name: ZNameSchema.optional(),
});

export const ZApiKeyPageSchema = zCursorPage(ZApiKeySchema);
