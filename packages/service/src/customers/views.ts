import { type CustomerMetrics, rollMetrics } from "@tally/core";
import type { Database } from "@tally/db";
import type { TCustomer } from "@tally/schemas";
import type { Selectable } from "kysely";
import { iso, obj } from "../kernel/index.ts";

type Row<T extends keyof Database> = Selectable<Database[T]>;

/**
 * Customer row → wire Customer as of `now` (consent carries the customer id, as the seed shows;
 * metrics rolled to the periods holding `now`).
 */
export function toCustomerView(c: Row<"customers">, now: Date): TCustomer {
  const consent = c.consent ? { ...obj(c.consent), customer_id: c.id } : null;
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    registration_date: c.registration_date.toISOString(),
    status: c.status,
    is_anonymous: c.is_anonymous,
    gender: c.gender,
    dob: iso(c.dob),
    document_type: c.document_type,
    document_number: c.document_number,
    country: c.country,
    tier_id: c.tier_id,
    platforms: (c.platforms as string[] | null) ?? null,
    tags: obj(c.tags),
    consent,
    devices: (c.devices as Record<string, unknown>[]) ?? [],
    metrics: rollMetrics(obj(c.metrics) as CustomerMetrics, now),
    metadata: obj(c.metadata),
  };
}

/**
 * What a CLIENT key (a browser or app SDK, its key public and its token not bound to one
 * customer) may see of a customer: what a storefront shows beside the points and tier of the
 * wallet — the id asked for, status, whether anonymous, registration date and tier. Everything
 * else is emptied: the profile (name, email, gender, birth date, documents, country), devices,
 * platforms, consent, metadata, tags (the account's own labels) and metrics (spend and visit
 * history). Built field by field, so a field added to the customer later is a type error here
 * until it is decided, never shown by default.
 */
export function toClientCustomerView(c: TCustomer): TCustomer {
  return {
    id: c.id,
    status: c.status,
    is_anonymous: c.is_anonymous,
    registration_date: c.registration_date,
    tier_id: c.tier_id,
    name: null,
    email: null,
    gender: null,
    dob: null,
    document_type: null,
    document_number: null,
    country: null,
    platforms: null,
    tags: {},
    consent: null,
    devices: [],
    metrics: {},
    metadata: {},
  };
}
