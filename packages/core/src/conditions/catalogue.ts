import type { ConditionContext, OrderProduct } from "../types.ts";
import { normalizeLabel, PRIMITIVES, type Primitive } from "./operators.ts";
import { isRecord } from "./shared.ts";

/** What a fact is: it decides the primitives a condition on it may use. */
export type FactKind = "number" | "string" | "date" | "tags";

/** One condition type of the catalogue (docs/api-decisions.md#conditions). */
export interface FactEntry {
  /** Canonical label, used in generated requirement sentences. */
  label: string;
  kind: FactKind;
  /** The reader returns a list; the condition holds when any element does ("not" forms: none). */
  many: boolean;
  /** The fact, or undefined when it is missing (the condition is then false). */
  read(ctx: ConditionContext): unknown;
  /** A fact of the customer (not of the event, its order or product). */
  ofCustomer?: true;
  /** The fact is kept in upper case (event types): a condition's values are compared so too. */
  upperCase?: true;
}

/** Primitives each kind of fact accepts (a numeric fact also takes "string" with numeric values). */
export const PRIMITIVES_BY_KIND: Record<FactKind, ReadonlySet<Primitive>> = {
  number: new Set<Primitive>(["number", "currency"]),
  string: new Set<Primitive>(["string"]),
  date: new Set<Primitive>(["absolute date", "relative date", "recurring date"]),
  // A tag's value may be read as any primitive.
  tags: PRIMITIVES,
};

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
const date = (v: unknown) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v : undefined);
const tags = (v: unknown) => (isRecord(v) ? v : undefined);
const order = (ctx: ConditionContext) => ctx.event?.order ?? undefined;
const products = (ctx: ConditionContext): OrderProduct[] | undefined => {
  const o = order(ctx);
  if (!o) return undefined;
  return Array.isArray(o.products) ? o.products.filter(isRecord) : [];
};
const lifetime = (ctx: ConditionContext, field: "number_of_purchases" | "spend_total") => {
  if (!ctx.customer) return undefined;
  const l = ctx.customer.metrics?.lifetime;
  return (isRecord(l) ? num(l[field]) : undefined) ?? 0;
};
const defined = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

const ENTRIES: FactEntry[] = [
  { label: "Order Value", kind: "number", many: false, read: (c) => num(order(c)?.value) },
  {
    label: "Order Discounted Value",
    kind: "number",
    many: false,
    read: (c) => {
      const o = order(c);
      return o ? (num(o.discounted_value) ?? num(o.value)) : undefined;
    },
  },
  {
    label: "Order Products Count",
    kind: "number",
    many: false,
    read: (c) => products(c)?.reduce((n, p) => n + (num(p.amount) ?? 1), 0),
  },
  {
    label: "Shipping Value",
    kind: "number",
    many: false,
    read: (c) => num(order(c)?.shipping?.value),
  },
  {
    label: "Payment Method",
    kind: "string",
    many: false,
    read: (c) => str(order(c)?.payment_method),
  },
  { label: "Store", kind: "string", many: false, read: (c) => str(order(c)?.store_id) },
  { label: "Channel", kind: "string", many: false, read: (c) => str(order(c)?.channel_id) },
  { label: "Platform", kind: "string", many: false, read: (c) => str(c.event?.platform) },
  {
    label: "Product SKU",
    kind: "string",
    many: true,
    read: (c) => {
      const ps = products(c);
      return ps && defined(ps.map((p) => str(p.sku)));
    },
  },
  {
    label: "Product Tag",
    kind: "tags",
    many: true,
    read: (c) => {
      const ps = products(c);
      return ps && defined(ps.map((p) => tags(p.tags)));
    },
  },
  { label: "Brand", kind: "string", many: false, read: (c) => str(c.event?.brand_id) },
  {
    label: "Product Value",
    kind: "number",
    many: false,
    read: (c) => c.product && (num(c.product.discounted_value) ?? num(c.product.value)),
  },
  {
    label: "Product Amount",
    kind: "number",
    many: false,
    read: (c) => c.product && (num(c.product.amount) ?? 1),
  },
  {
    label: "Customer Tier",
    kind: "string",
    many: false,
    read: (c) => str(c.customer?.tier_id),
    ofCustomer: true,
  },
  {
    label: "Customer Tag",
    kind: "tags",
    many: false,
    read: (c) => tags(c.customer?.tags),
    ofCustomer: true,
  },
  {
    label: "Customer number of purchases",
    kind: "number",
    many: false,
    read: (c) => lifetime(c, "number_of_purchases"),
    ofCustomer: true,
  },
  {
    label: "Customer Spend Total",
    kind: "number",
    many: false,
    read: (c) => lifetime(c, "spend_total"),
    ofCustomer: true,
  },
  {
    label: "Customer Registration Date",
    kind: "date",
    many: false,
    read: (c) => date(c.customer?.registration_date),
    ofCustomer: true,
  },
  {
    label: "Customer Birthday",
    kind: "date",
    many: false,
    read: (c) => date(c.customer?.dob),
    ofCustomer: true,
  },
  {
    label: "Customer Country",
    kind: "string",
    many: false,
    read: (c) => str(c.customer?.country),
    ofCustomer: true,
  },
  {
    label: "Event Type",
    kind: "string",
    many: false,
    read: (c) => str(c.event?.type),
    upperCase: true,
  },
  { label: "Event Tag", kind: "tags", many: false, read: (c) => tags(c.event?.tags) },
  { label: "Event Date", kind: "date", many: false, read: (c) => date(c.event?.issued_at) },
];

/** The catalogue keyed by normalised label. */
export const CATALOGUE: ReadonlyMap<string, FactEntry> = new Map(
  ENTRIES.map((e) => [normalizeLabel(e.label), e]),
);

/** The canonical labels of every condition type, in catalogue order. */
export const CONDITION_TYPES: readonly string[] = ENTRIES.map((e) => e.label);
