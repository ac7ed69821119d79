import { benchCompile } from "./compile.ts";
import { benchMatch } from "./match.ts";
import { benchOverhead } from "./overhead.ts";
import { benchPurchase } from "./purchase.ts";
import { benchPreviewEngine, benchSpending } from "./spending.ts";

benchMatch();
benchPreviewEngine();
benchCompile();
await benchPurchase();
await benchOverhead();
await benchSpending();
