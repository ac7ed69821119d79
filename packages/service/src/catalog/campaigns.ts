import {
  addExpiry,
  type CodeFormat,
  type CustomerFacts,
  campaignOpenTo,
  compileCampaign,
  DomainError,
  notFound,
  type Rule,
  validateRules,
} from "@tally/core";
import { type Database, type Db, json } from "@tally/db";
import type { CAMPAIGN_TYPES, TCampaign, TCampaignWrite, TCodesSummary } from "@tally/schemas";
import { type Insertable, type Selectable, type SelectQueryBuilder, sql } from "kysely";
import { assertBrand } from "../accounts/index.ts";
import {
  campaignFacts,
  canonical,
  listPage,
  newId,
  pageOf,
  refereeFacts,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";
import { type CodePlan, planCodes, syncCampaignCodes } from "./coupon-codes.ts";
import { listCampaignCodes, summariseCodes } from "./coupon-summary.ts";
import { findCatalogRow } from "./rows.ts";
import { toCampaignView } from "./views.ts";

type CampaignType = (typeof CAMPAIGN_TYPES)[number];
type CampaignRow = Selectable<Database["campaigns"]>;

const SKEW_MS = 60_000;
const YEAR_MS = 365 * 86_400_000;
const SUPPORTED: CampaignType[] = ["BEHAVIOR", "COUPONS", "PUNCH_CARDS", "REFERRALS"];

function resolveType(queryType: CampaignType | undefined, input: TCampaignWrite): CampaignType {
  if (queryType && input.type && queryType !== input.type) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `type: query says ${queryType} but the body says ${input.type}`,
    );
  }
  const type = queryType ?? input.type;
  if (!type) throw new DomainError("VALIDATION_FAILED", "type: is required (query ?type= or body)");
  if (!SUPPORTED.includes(type)) {
    throw new DomainError("UNSUPPORTED", `type: ${type} campaigns are not supported`);
  }
  return type;
}

/** Checks that every reward and tier an effect names exists in the account. */
async function assertReferences(
  db: Db,
  accountId: string,
  rules: Rule[],
  budgeted: boolean,
  path = "rules",
) {
  const rewardIds = new Set(rules.flatMap((r) => r.effects.map((e) => e.reward_id)));
  const tierIds = new Set(
    rules.flatMap((r) => r.effects.map((e) => e.tier_id)).filter((t): t is string => !!t),
  );
  const [rewards, tiers] = await Promise.all([
    db
      .selectFrom("rewards")
      .select(["id", "type", "attributes", "archived_at"])
      .where("account_id", "=", accountId)
      .where("id", "in", [...rewardIds])
      .execute(),
    tierIds.size
      ? db
          .selectFrom("tiers")
          .select("id")
          .where("account_id", "=", accountId)
          .where("id", "in", [...tierIds])
          .execute()
      : Promise.resolve([]),
  ]);
  const typeOf = new Map(rewards.map((r) => [r.id, r.type]));
  const archived = new Set(rewards.filter((r) => r.archived_at).map((r) => r.id));
  // A budget counts money; a point worth nothing would never use any of it.
  const free = rewards.find(
    (r) =>
      r.type === "POINTS" &&
      !Number((r.attributes as { conversion_factor?: number }).conversion_factor),
  );
  if (budgeted && free) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `budget: reward ${free.id} has no conversion_factor, so its points cost nothing and no budget could limit them`,
    );
  }
  const knownTiers = new Set(tiers.map((t) => t.id));
  for (const [i, rule] of rules.entries()) {
    for (const [j, effect] of rule.effects.entries()) {
      const type = typeOf.get(effect.reward_id);
      if (!type) {
        throw new DomainError(
          "NOT_FOUND",
          `${path}[${i}].effects[${j}].reward_id: reward ${effect.reward_id} not found`,
        );
      }
      if (archived.has(effect.reward_id)) {
        throw new DomainError(
          "CONFLICT",
          `${path}[${i}].effects[${j}].reward_id: reward ${effect.reward_id} is archived`,
        );
      }
      // Discounts, products and gift cards are used one whole unit at a time (a gift card is
      // one code): a fixed fraction of one could never be used.
      if (type !== "POINTS" && effect.calculation !== "PER_UNIT_SPENT") {
        if (!Number.isInteger(Number(effect.amount))) {
          throw new DomainError(
            "VALIDATION_FAILED",
            `${path}[${i}].effects[${j}].amount: a ${type} reward is given in whole units, got ${effect.amount}`,
          );
        }
      }
      if (effect.tier_id && !knownTiers.has(effect.tier_id)) {
        throw new DomainError(
          "NOT_FOUND",
          `${path}[${i}].effects[${j}].tier_id: tier ${effect.tier_id} not found`,
        );
      }
    }
  }
}

/**
 * The event type a campaign listens to: COUPONS none (redeemed by code), REFERRALS always
 * PURCHASE (a referee's first purchase), BEHAVIOR and PUNCH_CARDS the one they name (400 without).
 */
function triggerOf(type: CampaignType, input: TCampaignWrite): string | null {
  if (type === "COUPONS") return null;
  const trigger = input.attributes.trigger ?? input.trigger ?? null;
  if (type === "REFERRALS") {
    if (trigger && trigger !== "PURCHASE") {
      throw new DomainError(
        "VALIDATION_FAILED",
        `attributes.trigger: REFERRALS campaigns reward a referee's first PURCHASE; got ${trigger}`,
      );
    }
    return "PURCHASE";
  }
  if (!trigger) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `attributes.trigger: is required for ${type} campaigns`,
    );
  }
  return trigger;
}

/** `attributes.punches` of a PUNCH_CARDS campaign (400 when missing). */
function punchesOf(input: TCampaignWrite): number {
  if (input.attributes.punches == null) {
    throw new DomainError(
      "VALIDATION_FAILED",
      "attributes.punches: is required for PUNCH_CARDS campaigns (qualifying events per full card)",
    );
  }
  return input.attributes.punches;
}

/** The start instant; a plain date of today means "now" (its midnight has passed already). */
function startDateOf(value: string | null | undefined, fallback: Date, now: Date): Date {
  if (!value) return fallback;
  if (value.length === 10) {
    // A plain date names a day: the day the campaign already starts on keeps its instant (a
    // resent body changes nothing), and today means now.
    if (value === fallback.toISOString().slice(0, 10)) return fallback;
    if (value === now.toISOString().slice(0, 10)) return now;
  }
  return new Date(value);
}

/**
 * A campaign's end: a plain date (`2026-12-31`) is the end of that UTC day — the campaign runs
 * on it — and a date-time is that instant.
 */
function endDateOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  if (value.length === 10) return new Date(Date.parse(value) + 86_400_000);
  return new Date(value);
}

/**
 * A write's validated rules. Rules resent exactly as stored are kept even when a duration in them
 * is longer than a write accepts today (stored before durations were bounded): a started
 * campaign's rules are frozen, and it must stay possible to pause or end it.
 */
function rulesOf(raw: unknown, path: string, stored: unknown): Rule[] {
  if (stored != null) {
    const asStored = validateRules(raw, path, false);
    if (sameJson(asStored, stored)) return asStored;
  }
  return validateRules(raw, path);
}

/** Validated, normalised campaign columns of a write (create or full update). */
async function campaignColumns(
  deps: ServiceDeps,
  accountId: string,
  type: CampaignType,
  input: TCampaignWrite,
  now: Date,
  existing?: CampaignRow,
  codes?: CodePlan,
) {
  const trigger = triggerOf(type, input);
  const rules = rulesOf(input.rules, "rules", existing?.rules);
  const refereeRules =
    type === "REFERRALS"
      ? rulesOf(input.referee_rules_json ?? [], "referee_rules_json", existing?.referee_rules)
      : null;
  const punches = type === "PUNCH_CARDS" ? punchesOf(input) : null;
  const start = startDateOf(input.start_date, existing?.start_date ?? now, now);
  const end = input.withoutEndDate ? null : endDateOf(input.end_date);
  const startChanged = !existing || start.getTime() !== existing.start_date.getTime();
  if (startChanged && start.getTime() < now.getTime() - SKEW_MS) {
    throw new DomainError("VALIDATION_FAILED", "start_date: must be now or later");
  }
  if (start.getTime() > now.getTime() + YEAR_MS)
    throw new DomainError("VALIDATION_FAILED", "start_date: must be less than a year ahead");
  if (end && end <= start)
    throw new DomainError("VALIDATION_FAILED", "end_date: must be after start_date");
  // A year to the calendar day (366 days across a 29 February).
  if (end && end.getTime() > addExpiry(start, "1/years")!.getTime()) {
    throw new DomainError(
      "VALIDATION_FAILED",
      "end_date: must be at most a year after start_date (or set withoutEndDate)",
    );
  }
  if (input.divide_budget_in && input.budget == null) {
    throw new DomainError("VALIDATION_FAILED", "divide_budget_in: needs a budget");
  }
  if (input.brand_id) await assertBrand(deps.db, accountId, input.brand_id);
  await assertReferences(deps.db, accountId, rules, input.budget != null);
  if (refereeRules?.length) {
    await assertReferences(
      deps.db,
      accountId,
      refereeRules,
      input.budget != null,
      "referee_rules_json",
    );
  }
  return {
    type,
    brand_id: input.brand_id ?? null,
    platforms: json(input.platforms?.length ? input.platforms : null),
    name: input.name,
    description: input.description ?? null,
    trigger,
    privacy: input.attributes.privacy ?? "PRIVATE",
    rules: json(rules),
    referee_rules: json(refereeRules),
    status: input.status,
    start_date: start,
    end_date: end,
    funded_by: input.funded_by ?? null,
    budget: input.budget == null ? null : String(input.budget),
    divide_budget_in: input.divide_budget_in ?? null,
    labels: json(input.labels ?? []),
    metadata: json(input.metadata ?? {}),
    quantity: input.quantity ?? null,
    attributes: json(codes ? { useCustomCodes: codes.custom } : punches ? { punches } : {}),
  } satisfies Omit<Insertable<Database["campaigns"]>, "account_id" | "id">;
}

/** Options of the service (tRPC, CLI) beyond what REST sends: how generated coupon codes look. */
export interface CampaignWriteOptions {
  codeFormat?: Partial<CodeFormat>;
  /** A client-given id (the internal API): a retry with it answers the campaign it made. */
  id?: string | undefined;
}

/**
 * Creates a campaign (SERVER keys only; the route checks). A COUPONS campaign gets its
 * codes in the same transaction: `quantity` generated ones or `customCodes` (docs/api-decisions.md#coupons).
 */
export async function createCampaign(
  deps: ServiceDeps,
  accountId: string,
  queryType: CampaignType | undefined,
  input: TCampaignWrite,
  options: CampaignWriteOptions = {},
): Promise<TCampaign> {
  const now = deps.now();
  const type = resolveType(queryType, input);
  const codes = type === "COUPONS" ? planCodes(input, { format: options.codeFormat }) : undefined;
  if (options.id) {
    const existing = await deps.db
      .selectFrom("campaigns")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", options.id)
      .executeTakeFirst();
    if (existing) return sameCampaign(deps, accountId, type, input, existing, codes);
  }
  const columns = await campaignColumns(deps, accountId, type, input, now, undefined, codes);
  return transact(deps, async (trx) => {
    const row = await trx
      .insertInto("campaigns")
      .values({
        account_id: accountId,
        id: options.id ?? newId(),
        ...columns,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (codes) await syncCampaignCodes(trx, { accountId, campaignId: row.id, plan: codes, now });
    return toCampaignView(row, now);
  });
}

const sameJson = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * A create retried with its id: the stored campaign when the write would store the same columns
 * (its start kept, as an update keeps it), else a CONFLICT.
 */
async function sameCampaign(
  deps: ServiceDeps,
  accountId: string,
  type: CampaignType,
  input: TCampaignWrite,
  existing: CampaignRow,
  codes: CodePlan | undefined,
): Promise<TCampaign> {
  const now = deps.now();
  const conflict = new DomainError(
    "CONFLICT",
    `id: campaign ${existing.id} already exists with other fields`,
  );
  if (existing.type !== type) throw conflict;
  const columns = await campaignColumns(deps, accountId, type, input, now, existing, codes);
  const stored = existing as unknown as Record<string, unknown>;
  const differs = Object.entries(columns).some(([key, value]) => {
    const was = stored[key];
    if (value instanceof Date || was instanceof Date)
      return (value as Date | null)?.getTime() !== (was as Date | null)?.getTime();
    if (key === "budget")
      return (value === null ? null : Number(value)) !== (was === null ? null : Number(was));
    if (typeof value === "string" && typeof was !== "string")
      return !sameJson(JSON.parse(value), was);
    return value !== was;
  });
  if (differs) throw conflict;
  return toCampaignView(existing, now);
}

/** Full update. Once a campaign has started, its start date, rules, trigger and brand are frozen (409). */
export async function updateCampaign(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  queryType: CampaignType | undefined,
  input: TCampaignWrite,
  options: CampaignWriteOptions = {},
): Promise<TCampaign> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const existing = await findCatalogRow(trx, "campaigns", accountId, id, { lock: true });
    if (!existing) throw notFound("campaign", id);
    const type = resolveType(queryType ?? existing.type, input);
    if (type !== existing.type)
      throw new DomainError("CONFLICT", `type: the campaign is ${existing.type}, not ${type}`);
    if (existing.end_date && existing.end_date <= now)
      throw new DomainError("CONFLICT", "the campaign has finished and can no longer change");
    const wasCustom = (existing.attributes as { useCustomCodes?: boolean }).useCustomCodes === true;
    const codes =
      type === "COUPONS"
        ? planCodes(input, { existingCustom: wasCustom, format: options.codeFormat })
        : undefined;
    const columns = await campaignColumns(
      { ...deps, db: trx },
      accountId,
      type,
      input,
      now,
      existing,
      codes,
    );
    if (existing.start_date <= now) {
      const frozen: string[] = [];
      if (columns.start_date.getTime() !== existing.start_date.getTime()) frozen.push("start_date");
      if (!sameJson(JSON.parse(columns.rules), existing.rules)) frozen.push("rules");
      if (!sameJson(JSON.parse(columns.referee_rules), existing.referee_rules)) {
        frozen.push("referee_rules_json");
      }
      if (
        type === "PUNCH_CARDS" &&
        !sameJson(JSON.parse(columns.attributes), existing.attributes)
      ) {
        frozen.push("attributes.punches");
      }
      if (columns.trigger !== existing.trigger) frozen.push("attributes.trigger");
      if (columns.brand_id !== existing.brand_id) frozen.push("brand_id");
      if (frozen.length)
        throw new DomainError(
          "CONFLICT",
          `${frozen.join(", ")}: cannot change once the campaign has started`,
        );
      if (columns.end_date && columns.end_date < now)
        throw new DomainError("VALIDATION_FAILED", "end_date: cannot move into the past");
    }
    const row = await trx
      .updateTable("campaigns")
      .set({ ...columns, updated_at: now })
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (codes) {
      await syncCampaignCodes(trx, { accountId, campaignId: id, plan: codes, wasCustom, now });
    }
    return toCampaignView(row, now);
  });
}

type Include = "CODES" | "CODES_SUMMARY";

/** The view with `attributes.codes_summary` when asked for and the campaign is COUPONS. */
function withSummary(view: TCampaign, summary: TCodesSummary | undefined): TCampaign {
  return summary ? { ...view, attributes: { ...view.attributes, codes_summary: summary } } : view;
}

/** One campaign, or 404; `include` adds a COUPONS campaign's codes and/or their summary. */
export async function getCampaign(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  include: Include[] = [],
): Promise<TCampaign> {
  const row = await findCatalogRow(deps.db, "campaigns", accountId, id);
  if (!row) throw notFound("campaign", id);
  let view = toCampaignView(row, deps.now());
  if (include.includes("CODES_SUMMARY")) {
    view = withSummary(view, (await summariseCodes(deps.db, accountId, [row])).get(row.id));
  }
  if (include.includes("CODES") && row.type === "COUPONS") {
    view = { ...view, codes: await listCampaignCodes(deps.db, accountId, row.id) };
  }
  return view;
}

export interface CampaignListQuery {
  from: number;
  to: number;
  type?: CampaignType | undefined;
  brand_id?: string | undefined;
  status?: "RUNNING" | "PAUSED" | "SCHEDULED" | "FINISHED" | "NOT FINISHED" | undefined;
  labels?: string | undefined;
  funded_by?: string | undefined;
  include?: "CODES_SUMMARY" | undefined;
}

/** The consent purpose a campaign type needs (a referral counts as a behavioural campaign). */
const CONSENT_OF = {
  BEHAVIOR: "behavioral_campaigns",
  REFERRALS: "behavioral_campaigns",
  PUNCH_CARDS: "punchcard_campaigns",
  COUPONS: "coupon_campaigns",
} as const;

/** Who a campaign list is for: the customer's facts, and whether it consents to a purpose. */
export interface CampaignAudience {
  customer: CustomerFacts;
  consents: (purpose: (typeof CONSENT_OF)[keyof typeof CONSENT_OF]) => boolean;
}

/**
 * The campaigns `audience` can take part in, by index range — running or scheduled, with the
 * customer's consent, and with a rule that gives the customer's tier effects and whose
 * conditions on the customer hold now (those on the event are left open; a referral counts
 * either side's rules). Filtered in memory: an account's campaigns are few.
 */
async function pageOpenTo(
  deps: ServiceDeps,
  query: SelectQueryBuilder<Database, "campaigns", object>,
  q: CampaignListQuery,
  audience: CampaignAudience,
) {
  const now = deps.now();
  const { customer } = audience;
  const candidates = await query
    .selectAll()
    .where("status", "=", "ACTIVE")
    .where((eb) => eb.or([eb("end_date", "is", null), eb("end_date", ">", now)]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const open = candidates.filter((c) => {
    if (!audience.consents(CONSENT_OF[c.type])) return false;
    const facts = campaignFacts(c);
    if (campaignOpenTo(compileCampaign(facts), customer, now)) return true;
    if (c.type !== "REFERRALS") return false;
    return campaignOpenTo(compileCampaign(refereeFacts(c, facts)), customer, now);
  });
  return pageOf(open.slice(q.from, q.to + 1), q, open.length);
}

/**
 * Campaigns by index range with the list filters of Masivo's API; status is derived from the dates.
 * With an `audience`, only those it can take part in (Masivo's `customer_id` filter).
 */
export async function listCampaigns(
  deps: ServiceDeps,
  accountId: string,
  q: CampaignListQuery,
  audience?: CampaignAudience,
) {
  const now = deps.now();
  let query = deps.db.selectFrom("campaigns").where("account_id", "=", accountId);
  if (q.type) query = query.where("type", "=", q.type);
  if (q.brand_id) query = query.where("brand_id", "=", q.brand_id);
  if (q.funded_by) query = query.where("funded_by", "=", q.funded_by);
  const labels =
    q.labels
      ?.split(",")
      .map((l) => l.trim())
      .filter(Boolean) ?? [];
  if (labels.length) query = query.where(sql<boolean>`labels ?| ${sql.val(labels)}::text[]`);
  const finished = sql<boolean>`(end_date is not null and end_date <= ${now})`;
  if (q.status === "FINISHED") query = query.where(finished);
  if (q.status === "NOT FINISHED") query = query.where(sql<boolean>`not ${finished}`);
  if (q.status === "PAUSED")
    query = query.where(sql<boolean>`not ${finished}`).where("status", "=", "INACTIVE");
  if (q.status === "SCHEDULED")
    query = query
      .where(sql<boolean>`not ${finished}`)
      .where("status", "=", "ACTIVE")
      .where("start_date", ">", now);
  if (q.status === "RUNNING")
    query = query
      .where(sql<boolean>`not ${finished}`)
      .where("status", "=", "ACTIVE")
      .where("start_date", "<=", now);
  const page = audience ? await pageOpenTo(deps, query, q, audience) : await listPage(query, q);
  const summaries =
    q.include === "CODES_SUMMARY" ? await summariseCodes(deps.db, accountId, page.rows) : new Map();
  return {
    data: page.rows.map((r) => withSummary(toCampaignView(r, now), summaries.get(r.id))),
    from: page.from,
    to: page.to,
    count: page.count,
  };
}
