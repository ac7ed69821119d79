import { benchCompile } from "./compile.ts";
import { benchInternal } from "./internal.ts";
import { benchMatch } from "./match.ts";
import { benchOverhead } from "./overhead.ts";
import { benchPurchase } from "./purchase.ts";
import { benchPreviewEngine, benchSpending } from "./spending.ts";
import { benchWebhooks } from "./webhooks.ts";

benchMatch();
benchPreviewEngine();
benchCompile();
await benchPurchase();
await benchOverhead();
await benchSpending();
await benchWebhooks();
await benchInternal();
