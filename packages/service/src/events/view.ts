import type { TEvent } from "@tally/schemas";
import type { EventRow } from "./process.ts";

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Event row → wire Event (`result` is the stored outcome; wallet/customer are added by callers). */
export function toEventView(e: EventRow, customerId: string): TEvent {
  return {
    id: e.id,
    customer_id: customerId,
    brand_id: e.brand_id,
    type: e.type,
    data: (e.payload as Record<string, unknown>) ?? {},
    fulfilled: e.fulfilled,
    reserve: e.reserve,
    queue_message_id: null,
    rewarding_campaigns: (e.rewarding_campaigns as Record<string, unknown>[]) ?? [],
    status: e.status,
    result: (e.result as TEvent["result"]) ?? null,
    issued_at: e.issued_at.toISOString(),
    processing_at: iso(e.processing_at),
    resolved_at: iso(e.resolved_at),
    cancelled_at: iso(e.cancelled_at),
    expired_at: iso(e.expired_at),
    reversed_at: iso(e.reversed_at),
  };
}
