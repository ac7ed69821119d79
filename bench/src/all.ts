import { benchInternal } from "./internal.ts";
import { benchMatch } from "./match.ts";
import { benchPurchase } from "./purchase.ts";
import { benchPreviewEngine, benchSpending } from "./spending.ts";

benchMatch();
benchPreviewEngine();
await benchPurchase();
await benchSpending();
await benchInternal();
