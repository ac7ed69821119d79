import { DomainError, validateConditions } from "@tally/core";
import { json } from "@tally/db";
import type { TTier, TTierWrite } from "@tally/schemas";
import { newId, pgCode, type ServiceDeps } from "../kernel/index.ts";
import { toTierView } from "./views.ts";

/** The account's tiers by level. */
export async function listTiers(deps: ServiceDeps, accountId: string): Promise<TTier[]> {
  const rows = await deps.db
    .selectFrom("tiers")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("level")
    .execute();
  return rows.map(toTierView);
}

/** Creates a tier at a free level 2–10 (level 1 is the Base tier every account has). */
export async function createTier(
  deps: ServiceDeps,
  accountId: string,
  input: TTierWrite,
): Promise<TTier> {
  if (input.level === 1)
    throw new DomainError("CONFLICT", "level: 1 is the Base tier, which every account already has");
  const entry = validateConditions(input.entry_conditions, "entry_conditions");
  const exit = validateConditions(input.exit_conditions, "exit_conditions");
  try {
    const row = await deps.db
      .insertInto("tiers")
      .values({
        account_id: accountId,
        id: newId(),
        name: input.name,
        description: input.description ?? null,
        status: input.status,
        level: input.level,
        entry_conditions: json(entry),
        exit_conditions: json(exit),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTierView(row);
  } catch (error) {
    if (pgCode(error) === "23505")
      throw new DomainError("CONFLICT", `level: a tier with level ${input.level} already exists`);
    throw error;
  }
}
