import { type Database, json } from "@tally/db";
import type { TWebhookData, TWebhookEvent } from "@tally/schemas";
import type { Transaction } from "kysely";
import { beforeCommit, newId } from "../kernel/index.ts";

type Trx = Transaction<Database>;

/** A change to report, its data built only if a subscription wants it, after the whole change. */
export interface WebhookRecord<E extends TWebhookEvent = TWebhookEvent> {
  accountId: string;
  event: E;
  /** Whose change it is: one customer's deliveries go out in commit order. */
  customerUuid: string | null;
  now: Date;
  data: () => Promise<TWebhookData<E>> | TWebhookData<E>;
}

const queued = new WeakMap<Trx, WebhookRecord[]>();

/**
 * Records a webhook in the transaction of the change it reports (the outbox): its delivery
 * rows are written when the transaction is about to commit, so a change that rolls back sends
 * nothing and a committed one is delivered even if the process dies right after. An account
 * without subscriptions pays one indexed read per transaction; its data is never built.
 */
export function recordWebhook<E extends TWebhookEvent>(trx: Trx, record: WebhookRecord<E>): void {
  const list = queued.get(trx);
  if (list) {
    list.push(record as unknown as WebhookRecord);
    return;
  }
  queued.set(trx, [record as unknown as WebhookRecord]);
  beforeCommit(trx, () => writeDeliveries(trx));
}

async function writeDeliveries(trx: Trx): Promise<void> {
  const records = queued.get(trx) ?? [];
  queued.delete(trx);
  const accounts = [...new Set(records.map((r) => r.accountId))];
  const subscriptions = await trx
    .selectFrom("webhook_subscriptions")
    .select(["account_id", "id", "events"])
    .where("account_id", "in", accounts)
    .where("enabled", "=", true)
    .execute();
  if (subscriptions.length === 0) return;
  const rows = [];
  for (const record of records) {
    const to = subscriptions.filter(
      (s) => s.account_id === record.accountId && (!s.events || s.events.includes(record.event)),
    );
    if (to.length === 0) continue;
    const data = json(await record.data());
    for (const s of to) {
      rows.push({
        account_id: record.accountId,
        id: newId(),
        subscription_id: s.id,
        event: record.event,
        customer_uuid: record.customerUuid,
        data,
        next_attempt_at: record.now,
        window_start: record.now,
        created_at: record.now,
      });
    }
  }
  // One statement, in record order: `seq` follows it.
  if (rows.length > 0) await trx.insertInto("webhook_deliveries").values(rows).execute();
}
