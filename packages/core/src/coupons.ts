import {
  type CampaignReadStatus,
  type CompiledCampaign,
  campaignReadStatus,
  type MatchedRule,
} from "./campaigns.ts";
import { DomainError } from "./errors.ts";
import type { CampaignFacts, CustomerFacts, EventFacts } from "./types.ts";

/** Characters of generated codes: upper-case letters and digits without the look-alikes 0, 1, I, O. */
export const COUPON_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/** Shape of every coupon code, generated or custom: letters, digits, '-' and '_'. */
export const COUPON_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What a coupon or referral code typed by a client is looked up by: its lower case (codes match
 * ignoring case), or "" — which no code is — when the text cannot be a code. Codes are ASCII, so
 * a lookalike such as the Kelvin sign (whose lower case is "k") must not find "K…".
 */
export function codeKey(code: string): string {
  return COUPON_CODE_PATTERN.test(code) ? code.toLowerCase() : "";
}

/** How generated codes look: `prefix` + `length` random characters of COUPON_ALPHABET. */
export interface CodeFormat {
  length: number;
  prefix: string;
}

export const DEFAULT_CODE_FORMAT: CodeFormat = { length: 8, prefix: "" };

/** Checks a code format: length 4–32, prefix of code characters, whole code at most 64. */
export function validateCodeFormat(format: CodeFormat): CodeFormat {
  if (!Number.isInteger(format.length) || format.length < 4 || format.length > 32) {
    throw new DomainError("VALIDATION_FAILED", "codes.length: must be an integer from 4 to 32");
  }
  if (format.prefix !== "" && !COUPON_CODE_PATTERN.test(format.prefix)) {
    throw new DomainError("VALIDATION_FAILED", "codes.prefix: must be letters, digits, '-' or '_'");
  }
  if (format.prefix.length + format.length > 64) {
    throw new DomainError("VALIDATION_FAILED", "codes.prefix: prefix + length must be at most 64");
  }
  return format;
}

/**
 * One code from random bytes (`bytes.length` ≥ `format.length`); the alphabet has 32
 * characters, so each byte's low 5 bits pick one without bias.
 */
export function codeFromBytes(format: CodeFormat, bytes: Uint8Array): string {
  let out = format.prefix;
  for (let i = 0; i < format.length; i++) out += COUPON_ALPHABET[bytes[i]! & 31];
  return out;
}

/**
 * The custom codes of a campaign write: comma- or newline-separated, trimmed, blanks
 * dropped. A malformed code or one listed twice (case-insensitively) is a 400 naming it.
 */
export function parseCustomCodes(text: string): string[] {
  const codes = text
    .split(/[,\r\n]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (codes.length === 0) {
    throw new DomainError("VALIDATION_FAILED", "customCodes: lists no code");
  }
  const seen = new Set<string>();
  for (const code of codes) {
    if (!COUPON_CODE_PATTERN.test(code)) {
      throw new DomainError(
        "VALIDATION_FAILED",
        `customCodes: ${JSON.stringify(code.slice(0, 80))} must be 1–64 letters, digits, '-' or '_'`,
      );
    }
    const key = code.toLowerCase();
    if (seen.has(key)) {
      throw new DomainError(
        "VALIDATION_FAILED",
        `customCodes: ${JSON.stringify(code)} is listed more than once (codes are case-insensitive)`,
      );
    }
    seen.add(key);
  }
  return codes;
}

const TIMING: Partial<
  Record<
    CampaignReadStatus,
    { code: "COUPON_EXPIRED" | "COUPON_NOT_STARTED" | "COUPON_INACTIVE"; text: string }
  >
> = {
  FINISHED: { code: "COUPON_EXPIRED", text: "has ended" },
  SCHEDULED: { code: "COUPON_NOT_STARTED", text: "has not started yet" },
  PAUSED: { code: "COUPON_INACTIVE", text: "is paused" },
};

/** Throws the 422 of a coupon whose campaign is not running at `now`. */
export function assertCouponRunning(
  campaign: Pick<CampaignFacts, "status" | "start_date" | "end_date">,
  code: string,
  now: Date,
): void {
  const bad = TIMING[campaignReadStatus(campaign, now)];
  if (bad) {
    throw new DomainError(
      bad.code,
      `code: the campaign of coupon ${JSON.stringify(code)} ${bad.text}`,
    );
  }
}

/** Whether one more use fits: per-code `max_uses` (null = unlimited). */
export function codeHasUsesLeft(code: { max_uses: number | null; uses_count: number }): boolean {
  return code.max_uses === null || code.uses_count < code.max_uses;
}

/**
 * The rules a coupon redemption earns: the campaign's brand and platforms must fit the
 * redemption, then every rule whose conditions hold gives its effects for all tiers or the
 * customer's. None → the requirement that failed first (the condition's message, or a
 * generated sentence), for a 422 CONDITION_NOT_MET.
 */
export function matchCouponRules(opts: {
  campaign: CompiledCampaign;
  event: EventFacts;
  customer: CustomerFacts;
  now: Date;
}): { ok: true; matches: MatchedRule[] } | { ok: false; requirement: string } {
  const { campaign: c, rules } = opts.campaign;
  const { event, customer } = opts;
  if (c.brand_id !== null && event.brand_id !== c.brand_id) {
    return { ok: false, requirement: `Brand must be equal to ${c.brand_id}` };
  }
  if (c.platforms && c.platforms.length > 0) {
    if (event.platform === null || !c.platforms.includes(event.platform)) {
      return { ok: false, requirement: `Platform must be one of ${c.platforms.join(", ")}` };
    }
  }
  const ctx = { now: opts.now, event, customer };
  const matches: MatchedRule[] = [];
  let requirement: string | undefined;
  for (const [i, rule] of rules.entries()) {
    const effects = rule.effects.filter((e) => !e.tier_id || e.tier_id === customer.tier_id);
    const result = rule.conditions.evaluate(ctx);
    if (!result.ok) requirement ??= result.requirement;
    else if (effects.length === 0) requirement ??= "Customer Tier must be one this coupon rewards";
    else matches.push({ campaign: c, rule_index: i, effects });
  }
  if (matches.length > 0) return { ok: true, matches };
  return { ok: false, requirement: requirement ?? "Condition was not met" };
}
