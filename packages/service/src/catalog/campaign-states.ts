import { campaignReadStatus, DomainError, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type { CAMPAIGN_TYPES, TCampaign } from "@tally/schemas";
import type { Selectable, Updateable } from "kysely";
import { type CursorPage, cursorPageOf, iso, type ServiceDeps, transact } from "../kernel/index.ts";
import { findCatalogRow, listCatalogRows } from "./rows.ts";
import { toCampaignView } from "./views.ts";

type CampaignRow = Selectable<Database["campaigns"]>;

/** A campaign with when it was archived (the internal API's view). */
export type TCampaignRecord = TCampaign & { archived_at: string | null };

export const toCampaignRecord = (row: CampaignRow, now: Date): TCampaignRecord => ({
  ...toCampaignView(row, now),
  archived_at: iso(row.archived_at),
});

type Change = "pause" | "resume" | "archive";

/**
 * Pauses (stored INACTIVE), resumes (ACTIVE) or archives a campaign
 * (docs/api-decisions.md#internal-campaigns). Archiving ends it now — INACTIVE, its end date
 * now (and its start, if it had not started) — so it reads FINISHED everywhere and can never
 * change again. A finished or archived campaign cannot be paused or resumed (409); asking for
 * the state it is in answers it unchanged, so a retry is safe.
 */
export async function changeCampaignState(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  change: Change,
): Promise<TCampaignRecord> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const row = await findCatalogRow(trx, "campaigns", accountId, id, { lock: true });
    if (!row) throw notFound("campaign", id);
    if (row.archived_at) {
      if (change === "archive") return toCampaignRecord(row, now);
      throw new DomainError("CONFLICT", `id: campaign ${id} is archived and can no longer change`);
    }
    const finished = campaignReadStatus(row, now) === "FINISHED";
    let set: Updateable<Database["campaigns"]>;
    if (change === "archive") {
      set = {
        status: "INACTIVE",
        archived_at: now,
        end_date: finished ? row.end_date : now,
        ...(row.start_date > now ? { start_date: now } : {}),
      };
    } else {
      if (finished)
        throw new DomainError(
          "CONFLICT",
          `id: campaign ${id} has finished and can no longer change`,
        );
      const status = change === "pause" ? "INACTIVE" : "ACTIVE";
      if (row.status === status) return toCampaignRecord(row, now);
      set = { status };
    }
    const updated = await trx
      .updateTable("campaigns")
      .set({ ...set, updated_at: now })
      .where("account_id", "=", accountId)
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCampaignRecord(updated, now);
  });
}

/** One campaign with its archive date, or 404. */
export async function getCampaignRecord(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TCampaignRecord> {
  const row = await findCatalogRow(deps.db, "campaigns", accountId, id);
  if (!row) throw notFound("campaign", id);
  return toCampaignRecord(row, deps.now());
}

/** The account's campaigns by id (time-ordered), filtered by type, brand and archived. */
export function listCampaignRecords(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & {
    type?: (typeof CAMPAIGN_TYPES)[number] | undefined;
    brand_id?: string | undefined;
    archived?: boolean | undefined;
  },
) {
  const now = deps.now();
  return cursorPageOf(q, async (page) =>
    (await listCatalogRows(deps.db, "campaigns", accountId, q, page)).map((r) =>
      toCampaignRecord(r, now),
    ),
  );
}
