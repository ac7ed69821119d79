import { randomInt } from "node:crypto";
import { COUPON_CODE_PATTERN, DomainError, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type {
  TCode,
  TCodeCharset,
  TCodesGenerateInput,
  TCodesImportInput,
  TCodesListInput,
} from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import { cursorPageOf, newId, type ServiceDeps, transact, uuidCursor } from "../kernel/index.ts";
import { MAX_GENERATED_CODES } from "./coupon-codes.ts";
import { isUuid } from "./rewards.ts";
import { findCatalogRow } from "./rows.ts";

type Trx = Transaction<Database>;
type CodeRow = Selectable<Database["coupon_codes"]>;

const CHARSETS: Record<TCodeCharset, string> = {
  UNAMBIGUOUS: "23456789ABCDEFGHJKLMNPQRSTUVWXYZ",
  ALPHANUMERIC: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  LETTERS: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  DIGITS: "0123456789",
};
/** Codes a format can make, per code asked for: keeps a random draw rarely clashing. */
const SPACE_PER_CODE = 1_000;
const MAX_ROUNDS = 10;

/** Locks a COUPONS campaign that may still get codes (not finished, not archived). */
async function lockCouponCampaign(trx: Trx, accountId: string, id: string, now: Date) {
  const row = await findCatalogRow(trx, "campaigns", accountId, id, { lock: true });
  if (!row) throw new DomainError("NOT_FOUND", `campaign_id: campaign "${id}" not found`);
  if (row.type !== "COUPONS")
    throw new DomainError("UNSUPPORTED", `campaign_id: campaign ${id} is ${row.type}, not COUPONS`);
  if (row.archived_at || (row.end_date && row.end_date <= now))
    throw new DomainError(
      "CONFLICT",
      `campaign_id: campaign ${id} has finished; it takes no codes`,
    );
  return row;
}

async function countCodes(trx: Trx, accountId: string, campaignId: string): Promise<number> {
  const { n } = await trx
    .selectFrom("coupon_codes")
    .select(sql<string>`count(*)`.as("n"))
    .where("account_id", "=", accountId)
    .where("campaign_id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

function assertRoom(held: number, adding: number) {
  if (held + adding > MAX_GENERATED_CODES)
    throw new DomainError(
      "LIMIT_REACHED",
      `count: a campaign holds at most ${MAX_GENERATED_CODES} codes (it holds ${held})`,
    );
}

/**
 * Generates `count` codes of `prefix` + `length` random characters of `charset` for a COUPONS
 * campaign (docs/api-decisions.md#internal-coupon-codes). Unique per account ignoring case: a
 * drawn code the account holds already is drawn again. `batch_id` is the client's: a retry with
 * it answers the codes that batch made. A format too small for the count is refused, never
 * left to loop.
 */
export async function generateCodes(
  deps: ServiceDeps,
  accountId: string,
  input: TCodesGenerateInput,
): Promise<{ campaign_id: string; batch_id: string; codes: string[] }> {
  const alphabet = CHARSETS[input.charset];
  const space = alphabet.length ** input.length;
  if (space < input.count * SPACE_PER_CODE)
    throw new DomainError(
      "VALIDATION_FAILED",
      `length: ${input.length} ${input.charset} characters make ${space} codes, too few to draw ${input.count} without clashes; use a longer length`,
    );
  if (input.prefix.length + input.length > 64)
    throw new DomainError("VALIDATION_FAILED", "prefix: prefix + length must be at most 64");
  const now = deps.now();
  return transact(deps, async (trx) => {
    const campaign = await lockCouponCampaign(trx, accountId, input.campaign_id, now);
    const made = await batchCodes(trx, accountId, input.batch_id);
    if (made.length) {
      if (made[0]!.campaign_id !== campaign.id)
        throw new DomainError(
          "CONFLICT",
          `batch_id: batch ${input.batch_id} made codes of another campaign`,
        );
      return { campaign_id: campaign.id, batch_id: input.batch_id, codes: made.map((c) => c.code) };
    }
    assertRoom(await countCodes(trx, accountId, campaign.id), input.count);
    const codes: string[] = [];
    for (let round = 0; codes.length < input.count; round++) {
      if (round === MAX_ROUNDS)
        throw new DomainError(
          "CONFLICT",
          "count: could not draw enough unused codes; use a longer length",
        );
      const drawn = new Set<string>();
      while (drawn.size < input.count - codes.length) {
        let code = input.prefix;
        for (let i = 0; i < input.length; i++) code += alphabet[randomInt(alphabet.length)];
        drawn.add(code);
      }
      codes.push(
        ...(await insertNew(
          trx,
          accountId,
          campaign.id,
          [...drawn],
          input.max_uses,
          now,
          input.batch_id,
        )),
      );
    }
    return { campaign_id: campaign.id, batch_id: input.batch_id, codes };
  });
}

const batchCodes = (trx: Trx, accountId: string, batchId: string) =>
  trx
    .selectFrom("coupon_codes")
    .select(["code", "campaign_id"])
    .where("account_id", "=", accountId)
    .where("batch_id", "=", batchId)
    .orderBy("id")
    .execute();

/** Inserts the codes no row of the account holds (ignoring case); answers those inserted. */
async function insertNew(
  trx: Trx,
  accountId: string,
  campaignId: string,
  codes: string[],
  maxUses: number | null,
  now: Date,
  batchId: string | null,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < codes.length; i += 5_000) {
    const rows = await trx
      .insertInto("coupon_codes")
      .values(
        codes.slice(i, i + 5_000).map((code) => ({
          account_id: accountId,
          id: newId(),
          campaign_id: campaignId,
          code,
          max_uses: maxUses,
          created_at: now,
          batch_id: batchId,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning("code")
      .execute();
    out.push(...rows.map((r) => r.code));
  }
  return out;
}

type Duplicate = {
  code: string;
  reason: "LISTED_TWICE" | "IN_THIS_CAMPAIGN" | "IN_ANOTHER_CAMPAIGN";
};

/**
 * Imports the caller's own codes into a COUPONS campaign. Each is trimmed and must be 1–64
 * letters, digits, '-' or '_' (a 400 naming the first bad one, nothing imported); a code listed
 * twice or already held by the account is reported, not fatal — so a retried import imports
 * nothing twice and reports every code as in this campaign.
 */
export async function importCodes(
  deps: ServiceDeps,
  accountId: string,
  input: TCodesImportInput,
): Promise<{ imported: number; duplicates: Duplicate[] }> {
  const duplicates: Duplicate[] = [];
  const unique = new Map<string, string>();
  for (const [i, raw] of input.codes.entries()) {
    const code = raw.trim();
    if (!COUPON_CODE_PATTERN.test(code))
      throw new DomainError(
        "VALIDATION_FAILED",
        `codes[${i}]: ${JSON.stringify(code.slice(0, 80))} must be 1–64 letters, digits, '-' or '_'`,
      );
    if (unique.has(code.toLowerCase())) duplicates.push({ code, reason: "LISTED_TWICE" });
    else unique.set(code.toLowerCase(), code);
  }
  const now = deps.now();
  return transact(deps, async (trx) => {
    const campaign = await lockCouponCampaign(trx, accountId, input.campaign_id, now);
    const held = await trx
      .selectFrom("coupon_codes")
      .select(["code", "campaign_id"])
      .where("account_id", "=", accountId)
      .where(sql<string>`lower(code)`, "in", [...unique.keys()])
      .execute();
    for (const h of held) {
      const code = unique.get(h.code.toLowerCase())!;
      unique.delete(h.code.toLowerCase());
      duplicates.push({
        code,
        reason: h.campaign_id === campaign.id ? "IN_THIS_CAMPAIGN" : "IN_ANOTHER_CAMPAIGN",
      });
    }
    assertRoom(await countCodes(trx, accountId, campaign.id), unique.size);
    const inserted = await insertNew(
      trx,
      accountId,
      campaign.id,
      [...unique.values()],
      input.max_uses,
      now,
      null,
    );
    return { imported: inserted.length, duplicates };
  });
}

const statusOf = (r: CodeRow): TCode["status"] =>
  r.disabled_at
    ? "DISABLED"
    : r.max_uses !== null && r.uses_count >= r.max_uses
      ? "USED_UP"
      : "AVAILABLE";

const toCode = (r: CodeRow): TCode => ({
  id: r.id,
  code: r.code,
  campaign_id: r.campaign_id,
  status: statusOf(r),
  max_uses: r.max_uses,
  uses_count: r.uses_count,
  batch_id: r.batch_id,
  created_at: r.created_at.toISOString(),
  disabled_at: r.disabled_at?.toISOString() ?? null,
});

/** The account's codes by id (creation order), of one campaign and/or one status. */
export function listCodes(
  deps: ServiceDeps,
  accountId: string,
  q: TCodesListInput & { limit: number },
) {
  return cursorPageOf(q, async ({ after, take }) => {
    let query = deps.db
      .selectFrom("coupon_codes")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("id")
      .limit(take);
    if (after) query = query.where("id", ">", uuidCursor(after));
    if (q.campaign_id) query = query.where("campaign_id", "=", q.campaign_id);
    const usedUp = sql<boolean>`(max_uses is not null and uses_count >= max_uses)`;
    if (q.status === "DISABLED") query = query.where("disabled_at", "is not", null);
    if (q.status === "USED_UP") query = query.where("disabled_at", "is", null).where(usedUp);
    if (q.status === "AVAILABLE")
      query = query.where("disabled_at", "is", null).where(sql<boolean>`not ${usedUp}`);
    return (await query.execute()).map(toCode);
  });
}

/**
 * Disables a code (any case): redeeming it is then refused with COUPON_INACTIVE; redemptions
 * made stay, and can still be reversed. Disabling it again answers it unchanged.
 */
export async function disableCode(
  deps: ServiceDeps,
  accountId: string,
  code: string,
): Promise<TCode> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const row = await trx
      .selectFrom("coupon_codes")
      .selectAll()
      .where("account_id", "=", accountId)
      .where(sql<string>`lower(code)`, "=", code.trim().toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (!row)
      throw new DomainError("COUPON_NOT_FOUND", `code: coupon ${JSON.stringify(code)} not found`);
    if (row.disabled_at) return toCode(row);
    const updated = await trx
      .updateTable("coupon_codes")
      .set({ disabled_at: now })
      .where("account_id", "=", accountId)
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCode(updated);
  });
}

const CSV_COLUMNS = [
  "code",
  "status",
  "max_uses",
  "uses_count",
  "batch_id",
  "created_at",
  "disabled_at",
] as const;

/** A CSV field: quoted when it holds a comma, quote or line break. */
const csvField = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * A COUPONS campaign's codes (optionally of one status) as CSV text with a header row, in
 * creation order, lines ended by CRLF (RFC 4180).
 */
export async function exportCodesCsv(
  deps: ServiceDeps,
  accountId: string,
  q: { campaign_id: string; status?: TCode["status"] | undefined },
) {
  const campaign = isUuid(q.campaign_id)
    ? await deps.db
        .selectFrom("campaigns")
        .select(["id", "type"])
        .where("account_id", "=", accountId)
        .where("id", "=", q.campaign_id)
        .executeTakeFirst()
    : undefined;
  if (!campaign) throw notFound("campaign", q.campaign_id);
  const lines = [CSV_COLUMNS.join(",")];
  let cursor: string | undefined;
  let rows = 0;
  do {
    const page = await listCodes(deps, accountId, { ...q, cursor, limit: 5_000 });
    for (const c of page.items) lines.push(CSV_COLUMNS.map((k) => csvField(c[k])).join(","));
    rows += page.items.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return {
    filename: `codes-${campaign.id}.csv`,
    content_type: "text/csv" as const,
    rows,
    csv: `${lines.join("\r\n")}\r\n`,
  };
}
