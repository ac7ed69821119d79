import type { Db } from "@tally/db";
import type {
  TMigrateCustomers,
  TMigrateEvents,
  TMigrateTransactions,
  TMigrationType,
} from "@tally/schemas";

type Ref = { path: string; id: string };

/** Every reward and brand id a batch names, with the path it sits at. */
function referencesOf(type: TMigrationType, batch: unknown) {
  const rewards: Ref[] = [];
  const brands: Ref[] = [];
  const add = (list: Ref[], path: string, id: string | null | undefined) => {
    if (id) list.push({ path, id });
  };
  if (type === "CUSTOMERS") {
    (batch as TMigrateCustomers).customers.forEach((c, i) => {
      (c.balance ?? []).forEach((b, j) => {
        add(rewards, `customers[${i}].balance[${j}].reward_id`, b.reward_id);
        add(brands, `customers[${i}].balance[${j}].brand_id`, b.brand_id);
      });
    });
  } else if (type === "EVENTS") {
    (batch as TMigrateEvents).customers.forEach((c, i) => {
      c.events.forEach((e, j) => {
        add(brands, `customers[${i}].events[${j}].brand_id`, e.brand_id);
      });
    });
  } else {
    (batch as TMigrateTransactions).customers.forEach((c, i) => {
      c.transactions.forEach((t, j) => {
        add(rewards, `customers[${i}].transactions[${j}].reward_id`, t.reward_id);
        add(brands, `customers[${i}].transactions[${j}].brand_id`, t.brand_id);
      });
    });
  }
  return { rewards, brands };
}

/**
 * The references of a batch that do not exist in the account, one message per
 * offending field (`customers[3].balance[0].reward_id: reward "…" not found`).
 * Customers are not checked here: an earlier job still in the queue may create them.
 */
export async function checkReferences(
  db: Db,
  accountId: string,
  type: TMigrationType,
  batch: unknown,
): Promise<string[]> {
  const { rewards, brands } = referencesOf(type, batch);
  const rewardIds = [...new Set(rewards.map((r) => r.id))];
  const brandIds = [...new Set(brands.map((b) => b.id))];
  const [foundRewards, foundBrands] = await Promise.all([
    rewardIds.length === 0
      ? []
      : db
          .selectFrom("rewards")
          .select("id")
          .where("account_id", "=", accountId)
          .where("id", "in", rewardIds)
          .execute(),
    brandIds.length === 0
      ? []
      : db
          .selectFrom("brands")
          .select("id")
          .where("account_id", "=", accountId)
          .where("id", "in", brandIds)
          .execute(),
  ]);
  const knownRewards = new Set(foundRewards.map((r) => r.id));
  const knownBrands = new Set(foundBrands.map((b) => b.id));
  const problems = [
    ...rewards
      .filter((r) => !knownRewards.has(r.id))
      .map((r) => `${r.path}: reward ${JSON.stringify(r.id)} not found`),
    ...brands
      .filter((b) => !knownBrands.has(b.id))
      .map((b) => `${b.path}: brand ${JSON.stringify(b.id)} not found`),
  ];
  if (problems.length <= 200) return problems;
  return [...problems.slice(0, 200), `… and ${problems.length - 200} more`];
}
