import { parseArgs } from "node:util";
import { migrateToLatest, openDb, orExit } from "@tally/db";
import {
  auditLedger,
  createAccount,
  createApiKey,
  createBrand,
  revokeApiKey,
  updateOperationalSettings,
} from "@tally/service";
import { readEnv } from "./env.ts";

const usage = `usage: tally-admin <command> [options]
  create-account --name NAME            new account (with its Base tier) and a SERVER key
  create-key --account ID [--kind SERVER|CLIENT] [--name NAME]
  revoke-key --account ID --id KEY_ID   the key gets no new tokens (issued ones live out their hour)
  create-brand --account ID --id BRAND_ID --name NAME
  settings --account ID [--cors-origins URL,URL] [--client-per-minute N|unlimited]
           [--server-per-minute N|unlimited]   show or change the account's settings
  audit [--account ID]                  check the ledger invariant; exit 1 on any mismatch`;

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

function need(value: string | undefined, flag: string): string {
  if (!value) {
    console.error(`missing --${flag}\n${usage}`);
    process.exit(2);
  }
  return value;
}

// Checked before the database is opened: asking for the options touches no data, and a
// mistyped kind must never become a SERVER key.
const COMMANDS = [
  "create-account",
  "create-key",
  "revoke-key",
  "create-brand",
  "settings",
  "audit",
];

/** `--x-per-minute`: a number, `unlimited` (null), or absent (unchanged); bad text reaches validation. */
const perMinute = (text: string | undefined) => {
  if (text === undefined) return undefined;
  if (text === "unlimited") return null;
  return /^\d+$/.test(text) ? Number(text) : text;
};
if (!COMMANDS.includes(positionals[0] ?? "")) {
  console.error(usage);
  process.exit(2);
}
const kind = (values.kind ?? "SERVER").toUpperCase();
if (kind !== "SERVER" && kind !== "CLIENT") {
  console.error(`--kind must be SERVER or CLIENT, not ${values.kind}\n${usage}`);
  process.exit(2);
}

const env = orExit(() => readEnv(), 2);
const { db } = openDb(env);
await migrateToLatest(db);
let code = 0;
try {
  switch (positionals[0]) {
    case "create-account": {
      const account = await createAccount(db, { name: need(values.name, "name") });
      const key = await createApiKey(db, { accountId: account.id, kind: "SERVER" });
      console.log(JSON.stringify({ account_id: account.id, server_key: key.key }));
      break;
    }
    case "create-key": {
      const key = await createApiKey(db, {
        accountId: need(values.account, "account"),
        kind,
        name: values.name,
      });
      console.log(JSON.stringify({ id: key.id, kind, key: key.key }));
      break;
    }
    case "revoke-key": {
      const revoked = await revokeApiKey(db, {
        accountId: need(values.account, "account"),
        id: need(values.id, "id"),
        now: new Date(),
      });
      console.log(revoked ? "key revoked" : "no such active key in this account");
      code = revoked ? 0 : 1;
      break;
    }
    case "create-brand":
      await createBrand(db, {
        accountId: need(values.account, "account"),
        id: need(values.id, "id"),
        name: need(values.name, "name"),
      });
      console.log("brand created");
      break;
    case "settings": {
      const change = {
        cors_origins: values["cors-origins"]?.split(",").filter(Boolean),
        rate_limit_client_per_minute: perMinute(values["client-per-minute"]),
        rate_limit_server_per_minute: perMinute(values["server-per-minute"]),
      };
      const settings = await updateOperationalSettings(
        db,
        need(values.account, "account"),
        JSON.parse(JSON.stringify(change)),
      ).catch((error: Error) => {
        console.error(error.message);
        process.exit(2);
      });
      console.log(JSON.stringify(settings));
      break;
    }
    case "audit": {
      const mismatches = await auditLedger(db, values.account);
      for (const m of mismatches) console.log(JSON.stringify(m));
      console.log(mismatches.length ? `${mismatches.length} mismatch(es)` : "ledger balanced");
      code = mismatches.length ? 1 : 0;
      break;
    }
  }
} finally {
  await db.destroy();
}
process.exit(code);
