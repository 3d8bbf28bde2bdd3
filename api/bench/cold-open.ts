// Cold open on a throttled phone (issue 14): a registered guest taps the bot's button; how long until
// their name is on screen, and how many bytes crossed the wire? A benchmark, not a test: it prints
// figures and the request waterfall of the median run. With --baseline it also starts another
// checkout's server (an older build, say) and alternates the runs between the two, so both see the
// same machine load, and prints the ratios.
//
// The phone: Lighthouse's mobile profile, as Chrome DevTools applies it — 150 ms round trip,
// 1.6 Mbit/s down, 750 kbit/s up (CDP Network.emulateNetworkConditions) and the CPU four times
// slower (Emulation.setCPUThrottlingRate). Every run is a new browser context: an empty cache.
//
//   pnpm --filter @guestcard/web build && pnpm --filter @guestcard/api bench:cold-open
//   pnpm --filter @guestcard/api bench:cold-open -- --runs 9 --baseline /tmp/old-checkout/api
//
// The page runs as inside Telegram's mobile client (a stand-in `TelegramWebviewProxy`, as the e2e
// tests use), so the Telegram SDK does at start what it does on a phone.
//
// "Tap" is the navigation's start (performance.timeOrigin); Telegram's own time to create the web
// view comes before it and is not ours to shorten. "Name" is the moment the guest's first name is in
// the document, seen by a MutationObserver the page gets before any script of its own and reported
// through a CDP binding, so the bench runs nothing in the page while it starts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Browser } from "@playwright/test";
import { launchChromium } from "../e2e/browser-kit";
import { type LaunchUser, launchFragment, signInitData } from "../src/demo/launch-url";
import { freePort } from "../test/free-port";

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    baseline: { type: "string" },
  },
});
const runs = Number(options.runs);

const phoneProfile = {
  roundTripMs: 150,
  downloadBytesPerSecond: (1.6 * 1_000_000) / 8,
  uploadBytesPerSecond: (750 * 1000) / 8,
  cpuSlowdown: 4,
};
const goal = { milliseconds: 2000, bytes: 150_000 };

const guest: LaunchUser = { id: 930_001, firstName: "Вероника", lastName: "Соколова", languageCode: "ru" };
const guestPhone = "+79990093001";

interface Checkout {
  label: string;
  url: string;
  /** The registered guest's initData, signed with this server's demo token. */
  initData: string;
  stop(): Promise<void>;
}

/** `src/main.ts` of a checkout's api/ folder, as `pnpm start` runs it: demo mode, a fresh database. */
async function startCheckout(label: string, apiDir: string): Promise<Checkout> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-cold-open-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (
    !(await fetch(`${url}/health`).then(
      (answer) => answer.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server in ${apiDir} did not start`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }

  // The guest shares a phone (demo mode's stand-in for the bot) and registers: a returning guest from then on.
  const initData = signInitData(guest, readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim());
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `tma ${initData}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const shared = await post("/api/demo/share-phone", { phone: guestPhone });
  const registered = await post("/api/registration", {
    lastName: guest.lastName,
    firstName: guest.firstName,
    consents: { personalData: true },
  });
  if (!shared.ok || !registered.ok) {
    await stop();
    throw new Error(`could not register the bench guest on ${label}: HTTP ${registered.status}`);
  }
  return { label, url, initData, stop };
}

interface Request {
  path: string;
  startMs: number;
  endMs: number;
  wireBytes: number;
  encoding: string;
}

interface Run {
  nameMs: number;
  wireBytes: number;
  requests: Request[];
}

// Runs inside the page before its scripts (the API's tsconfig has no DOM types, hence the casts).
function reportWhenNameAppears(name: string) {
  const page = globalThis as unknown as {
    document: { body: { textContent: string } | null };
    MutationObserver: new (
      callback: () => void,
    ) => { observe(node: unknown, options: object): void; disconnect(): void };
    performance: { now(): number };
    reportNameShown(at: string): void;
  };
  const observer = new page.MutationObserver(() => {
    if (page.document.body?.textContent.includes(name)) {
      observer.disconnect();
      page.reportNameShown(String(page.performance.now()));
    }
  });
  observer.observe(page.document, { childList: true, subtree: true, characterData: true });
}

/**
 * Runs in the page first: Telegram's mobile client as the SDK sees it (`TelegramWebviewProxy`), so the
 * app starts the way it does on a phone — the SDK talks to a host, the MainButton is Telegram's — not
 * the way it does in a plain tab. It answers what the SDK asks at start and ignores the rest.
 */
function imitateTelegramClient() {
  const page = globalThis as unknown as {
    TelegramWebviewProxy: { postEvent(name: string, json?: string): void };
    Telegram?: { WebView?: { receiveEvent(name: string, data?: unknown): void } };
    innerWidth: number;
    innerHeight: number;
  };
  const noInsets = { top: 0, bottom: 0, left: 0, right: 0 };
  const answers: Record<string, [string, () => unknown]> = {
    web_app_request_viewport: [
      "viewport_changed",
      () => ({ height: page.innerHeight, width: page.innerWidth, is_expanded: true, is_state_stable: true }),
    ],
    web_app_request_safe_area: ["safe_area_changed", () => noInsets],
    web_app_request_content_safe_area: ["content_safe_area_changed", () => noInsets],
  };
  page.TelegramWebviewProxy = {
    postEvent(name) {
      const answer = answers[name];
      if (answer) setTimeout(() => page.Telegram?.WebView?.receiveEvent(answer[0], answer[1]()));
    },
  };
}

async function coldOpen(browser: Browser, checkout: Checkout): Promise<Run> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: "ru-RU",
  });
  try {
    const page = await context.newPage();
    await page.addInitScript(imitateTelegramClient);
    await page.addInitScript(reportWhenNameAppears, guest.firstName);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Runtime.enable");
    await cdp.send("Runtime.addBinding", { name: "reportNameShown" });
    const nameShown = new Promise<number>((done) => {
      cdp.on("Runtime.bindingCalled", (event) => {
        if (event.name === "reportNameShown") done(Number(event.payload));
      });
    });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: phoneProfile.roundTripMs,
      downloadThroughput: phoneProfile.downloadBytesPerSecond,
      uploadThroughput: phoneProfile.uploadBytesPerSecond,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: phoneProfile.cpuSlowdown });

    // CDP timestamps are seconds on the browser's monotonic clock; the document's request is zero.
    const requests = new Map<string, Request & { startSeconds: number }>();
    let originSeconds: number | undefined;
    cdp.on("Network.requestWillBeSent", (event) => {
      originSeconds ??= event.timestamp;
      const path = new URL(event.request.url).pathname;
      requests.set(event.requestId, {
        path: path === "/" ? "/ (index.html)" : path,
        startSeconds: event.timestamp,
        startMs: (event.timestamp - originSeconds) * 1000,
        endMs: Number.NaN,
        wireBytes: 0,
        encoding: "",
      });
    });
    cdp.on("Network.responseReceived", (event) => {
      const request = requests.get(event.requestId);
      const encoding = Object.entries(event.response.headers).find(
        ([name]) => name.toLowerCase() === "content-encoding",
      );
      if (request) request.encoding = encoding ? String(encoding[1]) : "";
    });
    cdp.on("Network.loadingFinished", (event) => {
      const request = requests.get(event.requestId);
      if (!request) return;
      request.wireBytes = event.encodedDataLength;
      request.endMs = (event.timestamp - (originSeconds ?? event.timestamp)) * 1000;
    });

    await page.goto(`${checkout.url}/${launchFragment(checkout.initData)}`, { waitUntil: "commit" });
    const nameMs = await Promise.race([
      nameShown,
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error("the name never showed")), 60_000)),
    ]);
    // What the guest waited for: every request that started before the name was on screen.
    const waitedFor = [...requests.values()]
      .filter((request) => request.startMs <= nameMs)
      .map(({ startSeconds: _, ...request }) => request);
    return {
      nameMs,
      wireBytes: waitedFor.reduce((sum, request) => sum + request.wireBytes, 0),
      requests: waitedFor,
    };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function printWaterfall(label: string, run: Run) {
  console.log(`\n${label}: the median run's requests before the name appeared (ms from the tap)`);
  for (const request of run.requests) {
    const end = Number.isNaN(request.endMs) ? "  ...  " : request.endMs.toFixed(0).padStart(5);
    console.log(
      `  ${request.startMs.toFixed(0).padStart(5)} → ${end}  ${(request.wireBytes / 1000).toFixed(1).padStart(6)} kB  ${(request.encoding || "-").padEnd(4)}  ${request.path}`,
    );
  }
  console.log(`  ${run.nameMs.toFixed(0).padStart(5)}   the guest's name on screen`);
}

const thisCheckout = fileURLToPath(new URL("..", import.meta.url));
const browser = await launchChromium();
const checkouts: Checkout[] = [];
try {
  if (options.baseline) checkouts.push(await startCheckout("baseline", resolve(options.baseline)));
  checkouts.push(await startCheckout("this checkout", thisCheckout));
  // One unmeasured open each: the servers' first requests compile code paths.
  for (const checkout of checkouts) await coldOpen(browser, checkout);
  const results = new Map<Checkout, Run[]>(checkouts.map((checkout) => [checkout, []]));
  for (let round = 0; round < runs; round++) {
    for (const checkout of checkouts) results.get(checkout)?.push(await coldOpen(browser, checkout));
  }

  const summaries = checkouts.map((checkout) => {
    const all = results.get(checkout) ?? [];
    const times = all.map((run) => run.nameMs);
    const middle = [...all].sort((a, b) => a.nameMs - b.nameMs)[Math.floor(all.length / 2)];
    if (!middle) throw new Error("no runs");
    return {
      label: checkout.label,
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      bytes: median(all.map((run) => run.wireBytes)),
      middle,
    };
  });
  for (const summary of summaries) printWaterfall(summary.label, summary.middle);

  console.log(
    `\nCold open of a registered guest to their name, ${runs} runs each, alternating (${phoneProfile.roundTripMs} ms RTT, 1.6 Mbit/s down, CPU ×${phoneProfile.cpuSlowdown})`,
  );
  console.log("  checkout          median (min–max)          on the wire");
  const [baseline] = summaries;
  for (const summary of summaries) {
    const ratio =
      baseline && summary !== baseline
        ? `   ×${(summary.medianMs / baseline.medianMs).toFixed(2)} time, ×${(summary.bytes / baseline.bytes).toFixed(2)} bytes vs ${baseline.label}`
        : "";
    console.log(
      `  ${summary.label.padEnd(16)}  ${summary.medianMs.toFixed(0).padStart(5)} ms (${summary.minMs.toFixed(0)}–${summary.maxMs.toFixed(0)})  ${(summary.bytes / 1000).toFixed(1).padStart(8)} kB${ratio}`,
    );
  }
  const current = summaries.at(-1);
  if (current) {
    const verdict = (met: boolean) => (met ? "met" : "NOT met");
    console.log(
      `  goal ≤ ${goal.milliseconds} ms: ${verdict(current.medianMs <= goal.milliseconds)}; ≤ ${goal.bytes / 1000} kB: ${verdict(current.bytes <= goal.bytes)}`,
    );
  }
} finally {
  await browser.close();
  await Promise.all(checkouts.map((checkout) => checkout.stop()));
}
// Playwright's and the child processes' handles would keep Node alive a while longer.
process.exit(0);
