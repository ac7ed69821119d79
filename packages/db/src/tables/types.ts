import type { ColumnType, Generated } from "kysely";

/** An exact decimal: read as a string, written from a string or a Decimal's string. */
export type Numeric = ColumnType<string, string | number, string | number>;
/** A timestamptz column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Json<T = unknown> = ColumnType<T, string, string>;
export type { Generated };
