// Type-level test, run by `pnpm --filter @tally/internal typecheck` (never executed): each
// `@ts-expect-error` line is a client call of the wrong shape, and tsc fails if it compiles.
import type { TallyClient } from "@tally/client";

export async function wrongShapes(client: TallyClient) {
  // @ts-expect-error a brand's name is a string
  await client.brands.create.mutate({ id: "0001", name: 42 });
  // @ts-expect-error a brand needs its id
  await client.brands.create.mutate({ name: "No id" });
  // @ts-expect-error tier_period is monthly, quarterly or yearly
  await client.accounts.update.mutate({ tier_period: "weekly" });
  // @ts-expect-error no such procedure
  await client.accounts.drop.mutate({});
  // @ts-expect-error a query is not a mutation
  await client.accounts.get.mutate({});
  const account = await client.accounts.get.query({});
  // @ts-expect-error device_token_ttl is a number or null
  const ttl: string = account.device_token_ttl;
  return ttl;
}
