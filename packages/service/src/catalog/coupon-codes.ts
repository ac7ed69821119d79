import { randomBytes } from "node:crypto";
import {
  type CodeFormat,
  codeFromBytes,
  DEFAULT_CODE_FORMAT,
  DomainError,
  parseCustomCodes,
  validateCodeFormat,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { TCampaignWrite } from "@tally/schemas";
import type { Transaction } from "kysely";
import { newId } from "../kernel/index.ts";

type Trx = Transaction<Database>;

/** The most codes one campaign write may generate (and a generated campaign may hold). */
export const MAX_GENERATED_CODES = 100_000;
const BATCH = 5_000;
const MAX_ROUNDS = 10;

/** How a COUPONS campaign gets its codes: generated (`quantity` of them) or the caller's own. */
export interface CodePlan {
  custom: boolean;
  /** Custom codes to hold (undefined on an update that keeps the current ones). */
  codes?: string[];
  /** Generated codes to hold. */
  quantity?: number;
  /** The campaign's cap on total redemptions (`quantity`; null = none). */
  cap: number | null;
  format: CodeFormat;
}

/**
 * Reads the code fields of a COUPONS campaign write (docs/api-decisions.md#coupons): `useCustomCodes` +
 * `customCodes`, else `quantity` generated codes. An update may omit them to keep the codes.
 */
export function planCodes(
  input: TCampaignWrite,
  opts: { existingCustom?: boolean; format?: Partial<CodeFormat> },
): CodePlan {
  const format = validateCodeFormat({ ...DEFAULT_CODE_FORMAT, ...opts.format });
  const updating = opts.existingCustom !== undefined;
  const custom = input.useCustomCodes ?? opts.existingCustom ?? false;
  const cap = input.quantity ?? null;
  if (custom) {
    if (input.customCodes == null) {
      if (updating && opts.existingCustom) return { custom, cap, format };
      throw new DomainError(
        "VALIDATION_FAILED",
        "customCodes: is required when useCustomCodes is true",
      );
    }
    return { custom, codes: parseCustomCodes(input.customCodes), cap, format };
  }
  if (input.quantity == null || input.quantity < 1) {
    throw new DomainError(
      "VALIDATION_FAILED",
      "quantity: is required (at least 1) for a COUPONS campaign with generated codes",
    );
  }
  if (input.quantity > MAX_GENERATED_CODES) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `quantity: at most ${MAX_GENERATED_CODES} generated codes per campaign`,
    );
  }
  return { custom, quantity: input.quantity, cap, format };
}

/** Inserts codes, skipping any the account already holds (case-insensitive); answers the skipped ones. */
async function insertCodes(
  trx: Trx,
  w: { accountId: string; campaignId: string; codes: string[]; maxUses: number | null; now: Date },
): Promise<string[]> {
  const inserted = new Set<string>();
  for (let i = 0; i < w.codes.length; i += BATCH) {
    const rows = await trx
      .insertInto("coupon_codes")
      .values(
        w.codes.slice(i, i + BATCH).map((code) => ({
          account_id: w.accountId,
          id: newId(),
          campaign_id: w.campaignId,
          code,
          max_uses: w.maxUses,
          created_at: w.now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning("code")
      .execute();
    for (const r of rows) inserted.add(r.code);
  }
  return w.codes.filter((c) => !inserted.has(c));
}

/** Adds `count` generated single-use codes; a clash with an existing code is drawn again. */
async function generateCodes(
  trx: Trx,
  w: { accountId: string; campaignId: string; count: number; format: CodeFormat; now: Date },
) {
  let missing = w.count;
  for (let round = 0; missing > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw new DomainError(
        "CONFLICT",
        "quantity: could not draw enough unused codes; use a longer code length",
      );
    }
    const batch = new Set<string>();
    while (batch.size < missing) batch.add(codeFromBytes(w.format, randomBytes(w.format.length)));
    const clashes = await insertCodes(trx, { ...w, codes: [...batch], maxUses: 1 });
    missing = clashes.length;
  }
}

/**
 * A quantity below the redemptions already made is a 409. Called with the campaign's codes
 * locked; the usage row is locked too (a redeem's order: its code, then the usage), so no
 * redemption lands between this check and the write.
 */
async function assertCapAboveUses(
  trx: Trx,
  accountId: string,
  campaignId: string,
  cap: number | null,
) {
  if (cap === null) return;
  const usage = await trx
    .selectFrom("coupon_usage")
    .select("uses")
    .where("account_id", "=", accountId)
    .where("campaign_id", "=", campaignId)
    .forUpdate()
    .executeTakeFirst();
  if (usage && usage.uses > cap) {
    throw new DomainError(
      "CONFLICT",
      `quantity: ${usage.uses} redemptions were already made; the quantity cannot be lower`,
    );
  }
}

const quoted = (codes: string[]) =>
  codes
    .slice(0, 10)
    .map((c) => JSON.stringify(c))
    .join(", ") + (codes.length > 10 ? ` and ${codes.length - 10} more` : "");

/**
 * Brings a COUPONS campaign's codes to its plan, inside the campaign write's
 * transaction: generated campaigns are topped up to `quantity`; custom campaigns get
 * their missing codes and lose the unlisted ones. A code another campaign of the
 * account holds is a 409 naming it; dropping a redeemed code, or switching between
 * generated and custom codes once any was redeemed, is a 409 too.
 */
export async function syncCampaignCodes(
  trx: Trx,
  w: { accountId: string; campaignId: string; plan: CodePlan; wasCustom?: boolean; now: Date },
): Promise<void> {
  const { plan } = w;
  // Lock the codes first: a redeem in flight holds its code's lock until it commits. Which codes
  // were redeemed is read after, by a statement of its own, so it sees those redemptions (a
  // subquery of the locking statement would read the snapshot from before the wait).
  const locked = await trx
    .selectFrom("coupon_codes")
    .select(["id", "code"])
    .where("account_id", "=", w.accountId)
    .where("campaign_id", "=", w.campaignId)
    .orderBy("id")
    .forUpdate()
    .execute();
  const redeemedIds = new Set(
    (
      await trx
        .selectFrom("coupon_redemptions as r")
        .innerJoin("coupon_codes as cc", (j) =>
          j.onRef("cc.account_id", "=", "r.account_id").onRef("cc.id", "=", "r.code_id"),
        )
        .select("r.code_id")
        .distinct()
        .where("cc.account_id", "=", w.accountId)
        .where("cc.campaign_id", "=", w.campaignId)
        .execute()
    ).map((r) => r.code_id),
  );
  const existing = locked.map((c) => ({ ...c, redeemed: redeemedIds.has(c.id) }));
  await assertCapAboveUses(trx, w.accountId, w.campaignId, plan.cap);
  let keep = existing;
  if (w.wasCustom !== undefined && w.wasCustom !== plan.custom) {
    if (existing.some((c) => c.redeemed)) {
      throw new DomainError(
        "CONFLICT",
        "useCustomCodes: cannot switch between generated and custom codes once a code was redeemed",
      );
    }
    keep = [];
  } else if (plan.custom && plan.codes) {
    const wanted = new Set(plan.codes.map((c) => c.toLowerCase()));
    const dropped = existing.filter((c) => !wanted.has(c.code.toLowerCase()));
    const redeemed = dropped.filter((c) => c.redeemed).map((c) => c.code);
    if (redeemed.length) {
      throw new DomainError(
        "CONFLICT",
        `customCodes: ${quoted(redeemed)} was already redeemed and cannot be removed`,
      );
    }
    keep = existing.filter((c) => wanted.has(c.code.toLowerCase()));
  }
  const removed = existing.filter((c) => !keep.includes(c)).map((c) => c.id);
  if (removed.length) {
    await trx
      .deleteFrom("coupon_codes")
      .where("account_id", "=", w.accountId)
      .where("id", "in", removed)
      .execute();
  }
  const base = { accountId: w.accountId, campaignId: w.campaignId, now: w.now };
  if (plan.custom && plan.codes) {
    const held = new Set(keep.map((c) => c.code.toLowerCase()));
    const codes = plan.codes.filter((c) => !held.has(c.toLowerCase()));
    const clashes = await insertCodes(trx, { ...base, codes, maxUses: null });
    if (clashes.length) {
      throw new DomainError(
        "CONFLICT",
        `customCodes: ${quoted(clashes)} already exists in this account (codes are case-insensitive)`,
      );
    }
  } else if (!plan.custom && plan.quantity !== undefined && plan.quantity > keep.length) {
    await generateCodes(trx, { ...base, count: plan.quantity - keep.length, format: plan.format });
  }
}
