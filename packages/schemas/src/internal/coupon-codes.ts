import { z } from "zod";
import { ZCursorInputSchema, zCursorPage } from "./common.ts";

/**
 * The characters of generated codes: UNAMBIGUOUS (REST's: digits and upper-case letters without
 * 0, 1, I, O), ALPHANUMERIC, LETTERS or DIGITS. Upper case only: codes match ignoring case.
 */
export const CODE_CHARSETS = ["UNAMBIGUOUS", "ALPHANUMERIC", "LETTERS", "DIGITS"] as const;
export type TCodeCharset = (typeof CODE_CHARSETS)[number];

/** The most codes one generate or import call takes. */
export const MAX_CODES_PER_CALL = 10_000;

/** codes.generate: `batch_id` is the client's, so a retry answers the batch it made. */
export const ZCodesGenerateInputSchema = z.object({
  campaign_id: z.uuid(),
  batch_id: z.uuid(),
  count: z.number().int().min(1).max(MAX_CODES_PER_CALL),
  length: z.number().int().min(4).max(32).default(8),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,32}$/, "must be at most 32 letters, digits, '-' or '_'")
    .default(""),
  charset: z.enum(CODE_CHARSETS).default("UNAMBIGUOUS"),
  /** Uses each code allows (null: unlimited); generated codes default to one. */
  max_uses: z.number().int().min(1).max(1_000_000).nullable().default(1),
});
export type TCodesGenerateInput = z.infer<typeof ZCodesGenerateInputSchema>;

export const ZCodesBatchSchema = z.object({
  campaign_id: z.uuid(),
  batch_id: z.uuid(),
  codes: z.array(z.string()),
});

/** codes.import: the caller's own codes; each is checked, duplicates are reported, not fatal. */
export const ZCodesImportInputSchema = z.object({
  campaign_id: z.uuid(),
  codes: z.array(z.string().max(200)).min(1).max(MAX_CODES_PER_CALL),
  /** Uses each code allows (null: unlimited, REST's custom codes). */
  max_uses: z.number().int().min(1).max(1_000_000).nullable().default(null),
});
export type TCodesImportInput = z.infer<typeof ZCodesImportInputSchema>;

export const ZCodesImportResultSchema = z.object({
  imported: z.number().int(),
  /** Codes not imported: listed twice in the call, or already held (this campaign or another). */
  duplicates: z.array(
    z.object({
      code: z.string(),
      reason: z.enum(["LISTED_TWICE", "IN_THIS_CAMPAIGN", "IN_ANOTHER_CAMPAIGN"]),
    }),
  ),
});

export const CODE_STATUSES = ["AVAILABLE", "USED_UP", "DISABLED"] as const;

export const ZCodeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  campaign_id: z.uuid(),
  status: z.enum(CODE_STATUSES),
  max_uses: z.number().int().nullable(),
  uses_count: z.number().int(),
  batch_id: z.uuid().nullable(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
});
export type TCode = z.infer<typeof ZCodeSchema>;

export const ZCodesListInputSchema = ZCursorInputSchema.extend({
  campaign_id: z.uuid().optional(),
  status: z.enum(CODE_STATUSES).optional(),
});
export type TCodesListInput = z.infer<typeof ZCodesListInputSchema>;
export const ZCodePageSchema = zCursorPage(ZCodeSchema);

/** codes.disable: one code, by its text (any case). */
export const ZCodeRefSchema = z.object({ code: z.string().min(1).max(200) });

/** codes.exportCsv: a campaign's codes (optionally of one status) as CSV text. */
export const ZCodesExportInputSchema = z.object({
  campaign_id: z.uuid(),
  status: z.enum(CODE_STATUSES).optional(),
});
export const ZCodesExportSchema = z.object({
  filename: z.string(),
  content_type: z.literal("text/csv"),
  rows: z.number().int(),
  csv: z.string(),
});
