import { randomBytes } from "node:crypto";
import type { Db } from "@tally/db";
import { ZRewardInsertSchema } from "@tally/schemas";
import { createAccount, createBrand, createReward } from "../src/index.ts";

/** A fresh account with brand "0001" and a POINTS reward. */
export async function newAccount(db: Db, now: () => Date) {
  const { id: accountId } = await createAccount(db, {
    name: `importer-${randomBytes(4).toString("hex")}`,
  });
  await createBrand(db, { accountId, id: "0001", name: "Brand one" });
  const reward = await createReward(
    { db, now },
    accountId,
    ZRewardInsertSchema.parse({
      name: "Points",
      type: "POINTS",
      attributes: { conversion_factor: 0.1 },
    }),
  );
  return { accountId, rewardId: reward.id };
}
