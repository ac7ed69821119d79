import { parseArgs } from "node:util";
import { orExit } from "@tally/db";
import { auditLedger } from "@tally/service";
import { type AdminApi, connectAdminApi, refusalOf } from "./admin-api.ts";
import { readEnv } from "./env.ts";

const usage = `usage: tally-admin <command> [options]
  create-account --name NAME            new account (with its Base tier) and a SERVER key
  create-key --account ID [--kind SERVER|CLIENT] [--name NAME]
  revoke-key --account ID --id KEY_ID   the key gets no new tokens (issued ones live out their hour)
  create-brand --account ID --id BRAND_ID --name NAME
  create-service-token --name NAME [--account ID]
                                        an internal API token of the account, or operator-wide
  revoke-service-token --id TOKEN_ID [--account ID]
  settings --account ID [--cors-origins URL,URL] [--client-per-minute N|unlimited]
           [--server-per-minute N|unlimited]   show or change the account's settings
  audit [--account ID]                  check the ledger invariant; exit 1 on any mismatch
Runs while pnpm start holds the embedded database, through its internal API.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    account: { type: "string" },
    kind: { type: "string" },
    id: { type: "string" },
    "cors-origins": { type: "string" },
    "client-per-minute": { type: "string" },
    "server-per-minute": { type: "string" },
  },
});

/** `--x-per-minute`: a number, `unlimited` (null), or absent (unchanged); bad text reaches validation. */
const perMinute = (text: string | undefined): number | null | undefined => {
  if (text === undefined) return undefined;
  if (text === "unlimited") return null;
  return /^\d+$/.test(text) ? Number(text) : (text as unknown as number);
};

function need(value: string | undefined, flag: string): string {
  if (!value) {
    console.error(`missing --${flag}\n${usage}`);
    process.exit(2);
  }
  return value;
}

/** Each command: one call (or two) of the internal API; answers the exit code. */
const COMMANDS: Record<string, (api: AdminApi) => Promise<number>> = {
  async "create-account"(api) {
    const account = await api.accounts.create({ name: need(values.name, "name") });
    const key = await api.apiKeys.create({ account_id: account.id, kind: "SERVER" });
    console.log(JSON.stringify({ account_id: account.id, server_key: key.key }));
    return 0;
  },
  async "create-key"(api) {
    const key = await api.apiKeys.create({
      account_id: need(values.account, "account"),
      kind: kind as "SERVER" | "CLIENT",
      name: values.name,
    });
    console.log(JSON.stringify({ id: key.id, kind: key.kind, key: key.key }));
    return 0;
  },
  async "revoke-key"(api) {
    const asked = Date.now();
    const input = { account_id: need(values.account, "account"), id: need(values.id, "id") };
    const key = await api.apiKeys.revoke(input).catch((error: unknown) => {
      if (refusalOf(error)?.error === "NOT_FOUND") return null;
      throw error;
    });
    // Revoking a revoked key answers it as it was: revoked before this run.
    const now = key !== null && Date.parse(key.revoked_at!) >= asked;
    console.log(now ? "key revoked" : "no such active key in this account");
    return now ? 0 : 1;
  },
  async "create-brand"(api) {
    await api.brands.create({
      account_id: need(values.account, "account"),
      id: need(values.id, "id"),
      name: need(values.name, "name"),
    });
    console.log("brand created");
    return 0;
  },
  async settings(api) {
    const account = await api.accounts.update({
      account_id: need(values.account, "account"),
      cors_origins: values["cors-origins"]?.split(",").filter((o) => o !== ""),
      rate_limit_client_per_minute: perMinute(values["client-per-minute"]),
      rate_limit_server_per_minute: perMinute(values["server-per-minute"]),
    });
    console.log(JSON.stringify(account));
    return 0;
  },
  async "create-service-token"(api) {
    const name = need(values.name, "name");
    const token = values.account
      ? await api.serviceTokens.create({ account_id: values.account, name })
      : await api.operatorTokens.create({ name });
    console.log(JSON.stringify({ id: token.id, account_id: token.account_id, token: token.token }));
    return 0;
  },
  async "revoke-service-token"(api) {
    const id = need(values.id, "id");
    const token = values.account
      ? await api.serviceTokens.revoke({ account_id: values.account, id })
      : await api.operatorTokens.revoke({ id });
    console.log(`service token revoked at ${token.revoked_at}`);
    return 0;
  },
};

// Checked before the database is opened: asking for the options touches no data, and a
// mistyped kind must never become a SERVER key.
const command = positionals[0] ?? "";
if (!(command in COMMANDS) && command !== "audit") {
  console.error(usage);
  process.exit(2);
}
const kind = (values.kind ?? "SERVER").toUpperCase();
if (kind !== "SERVER" && kind !== "CLIENT") {
  console.error(`--kind must be SERVER or CLIENT, not ${values.kind}\n${usage}`);
  process.exit(2);
}

const env = orExit(() => readEnv(), 2);
const { api, db, close } = await connectAdminApi(env).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
let code = 1;
try {
  if (command === "audit") {
    if (!db) throw new Error("audit reads the database itself: stop pnpm start first");
    const mismatches = await auditLedger(db, values.account);
    for (const m of mismatches) console.log(JSON.stringify(m));
    console.log(mismatches.length ? `${mismatches.length} mismatch(es)` : "ledger balanced");
    code = mismatches.length ? 1 : 0;
  } else code = await COMMANDS[command]!(api);
} catch (error) {
  const refusal = refusalOf(error);
  if (!refusal || refusal.error === "INTERNAL") throw error;
  console.error(`${refusal.error}: ${refusal.details}`);
} finally {
  await close();
}
process.exit(code);
