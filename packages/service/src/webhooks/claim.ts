import type { Db } from "@tally/db";
import { sql } from "kysely";
import { nextAttemptAt } from "./retry.ts";
import { signingSecrets } from "./subscriptions.ts";
import type { DeliveryRow, SubscriptionRow } from "./views.ts";

/** A delivery a worker claimed, with what it needs to send it. */
export interface ClaimedDelivery {
  accountId: string;
  id: string;
  /** Its attempt number (1 = first); the outcome is recorded only for this attempt. */
  attempt: number;
  url: string;
  /** Every secret that signs it now (two while a rotated one is in grace). */
  secrets: string[];
  /** The exact body to send: `{id, event, created_at, data}`. */
  body: string;
  createdAt: Date;
}

/**
 * Claims up to `limit` due deliveries for `leaseMs` (FOR UPDATE SKIP LOCKED: any number of
 * workers share the table). A customer's delivery is not due while an earlier one of the same
 * customer to the same subscription is still PENDING (retrying, or claimed by another worker),
 * so one customer's deliveries arrive in commit order. A worker that dies leaves its claims to
 * lapse; they are sent again, with the same id.
 */
export async function claimWebhookDeliveries(
  db: Db,
  opts: { now: Date; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const { now } = opts;
  const claimed = await db
    .updateTable("webhook_deliveries as d")
    .set({
      lease_until: new Date(now.getTime() + opts.leaseMs),
      attempts: sql`d.attempts + 1`,
      last_attempt_at: now,
    })
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple("d.account_id", "d.id"),
        "in",
        selectFrom("webhook_deliveries as c")
          .innerJoin("webhook_subscriptions as s", (j) =>
            j.onRef("s.account_id", "=", "c.account_id").onRef("s.id", "=", "c.subscription_id"),
          )
          .select(["c.account_id", "c.id"])
          .where("c.status", "=", "PENDING")
          .where("c.next_attempt_at", "<=", now)
          .where((w) => w.or([w("c.lease_until", "is", null), w("c.lease_until", "<=", now)]))
          .where("s.enabled", "=", true)
          .where(({ not, exists, selectFrom: from }) =>
            not(
              exists(
                from("webhook_deliveries as e")
                  .select(sql`1`.as("one"))
                  .whereRef("e.account_id", "=", "c.account_id")
                  .whereRef("e.subscription_id", "=", "c.subscription_id")
                  .whereRef("e.customer_uuid", "=", "c.customer_uuid")
                  .where("e.status", "=", "PENDING")
                  .whereRef("e.seq", "<", "c.seq"),
              ),
            ),
          )
          .orderBy("c.next_attempt_at")
          .orderBy("c.seq")
          .limit(opts.limit)
          .forUpdate("c")
          .skipLocked()
          .$asTuple("account_id", "id"),
      ),
    )
    .returningAll()
    .execute();
  if (claimed.length === 0) return [];
  const subscriptions = await db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("account_id", "id"),
        "in",
        claimed.map((d) => tuple(d.account_id, d.subscription_id)),
      ),
    )
    .execute();
  const byId = new Map(subscriptions.map((s) => [`${s.account_id}/${s.id}`, s]));
  return claimed
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .flatMap((d) => {
      const s = byId.get(`${d.account_id}/${d.subscription_id}`);
      return s ? [toClaimed(d, s, now)] : [];
    });
}

function toClaimed(d: DeliveryRow, s: SubscriptionRow, now: Date): ClaimedDelivery {
  const body = { id: d.id, event: d.event, created_at: d.created_at.toISOString(), data: d.data };
  return {
    accountId: d.account_id,
    id: d.id,
    attempt: d.attempts,
    url: s.url,
    secrets: signingSecrets(s, now),
    body: JSON.stringify(body),
    createdAt: d.created_at,
  };
}

/** What one attempt got: a status code and the start of the answer, or an error. */
export interface DeliveryOutcome {
  statusCode: number | null;
  response: string | null;
  error: string | null;
}

const EXCERPT = 500;

/**
 * Records an attempt's outcome, if the claim is still this attempt's (a worker whose lease
 * lapsed may finish after another took it over). 2xx: DELIVERED. 410: FAILED, and the
 * subscription is disabled. Anything else: retried with backoff (nextAttemptAt), DEAD once its
 * retry window is over.
 */
export async function recordWebhookAttempt(
  db: Db,
  claim: Pick<ClaimedDelivery, "accountId" | "id" | "attempt">,
  outcome: DeliveryOutcome,
  opts: { now: Date; random?: number },
): Promise<"DELIVERED" | "FAILED" | "DEAD" | "RETRY" | "STALE"> {
  const { now } = opts;
  const code = outcome.statusCode;
  const base = {
    lease_until: null,
    last_status_code: code,
    last_response: outcome.response?.slice(0, EXCERPT) ?? null,
    last_error: outcome.error,
  };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("account_id", "=", claim.accountId)
      .where("id", "=", claim.id)
      .where("status", "=", "PENDING")
      .where("attempts", "=", claim.attempt)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return "STALE";
    const where = (status: DeliveryRow["status"], extra: object = {}) =>
      trx
        .updateTable("webhook_deliveries")
        .set({ ...base, ...extra, status })
        .where("account_id", "=", row.account_id)
        .where("id", "=", row.id)
        .execute();
    if (code !== null && code >= 200 && code < 300) {
      await where("DELIVERED", { delivered_at: now });
      return "DELIVERED";
    }
    if (code === 410) {
      await where("FAILED");
      await trx
        .updateTable("webhook_subscriptions")
        .set({ enabled: false, disabled_reason: "the endpoint answered 410 Gone", updated_at: now })
        .where("account_id", "=", row.account_id)
        .where("id", "=", row.subscription_id)
        .execute();
      return "FAILED";
    }
    const next = nextAttemptAt({
      attempts: row.attempts,
      windowStart: row.window_start,
      now,
      random: opts.random ?? Math.random(),
    });
    if (!next) {
      await where("DEAD");
      return "DEAD";
    }
    await where("PENDING", { next_attempt_at: next });
    return "RETRY";
  });
}

/**
 * recordWebhookAttempt for a round's 2xx answers at once, in one statement (the common case
 * costs the database one write per round, not a transaction per delivery).
 */
export async function recordWebhookSuccesses(
  db: Db,
  done: {
    claim: Pick<ClaimedDelivery, "accountId" | "id" | "attempt">;
    outcome: DeliveryOutcome;
  }[],
  opts: { now: Date },
): Promise<void> {
  if (done.length === 0) return;
  const values = sql.join(
    done.map(
      ({ claim, outcome }) =>
        sql`(${claim.accountId}::uuid, ${claim.id}::uuid, ${claim.attempt}::integer, ${outcome.statusCode}::integer, ${outcome.response?.slice(0, EXCERPT) ?? null}::text)`,
    ),
  );
  await sql`update webhook_deliveries d set status = 'DELIVERED', delivered_at = ${opts.now},
      lease_until = null, last_status_code = v.code, last_response = v.response, last_error = null
    from (values ${values}) as v(account_id, id, attempt, code, response)
    where d.account_id = v.account_id and d.id = v.id and d.attempts = v.attempt
      and d.status = 'PENDING'`.execute(db);
}
