import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The parts of V8's `.cpuprofile` format this reads. */
type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
};

type Frame = { name: string; url: string };

/**
 * The components of one call, in the order `docs/performance.md` lists them, each with the source files (paths
 * inside the repository) whose code it is. A sample counts for the first repository file on its stack, leaf
 * first, after skipping the thin statement wrappers; library leaves count where `componentOf` says.
 */
const COMPONENTS: [string, RegExp][] = [
  ["HTTP: body reading, JSON parse, hostile-input checks", /server\/src\/http\/(parse-json|body)\.ts/],
  ["zod validation of the body", /contracts\/src\//],
  [
    "authentication (verified-credential cache, throttle)",
    /core\/src\/auth\/|server\/src\/http\/(authenticate|basic-credentials)\.ts/,
  ],
  ["step 1: find or create the order", /core\/src\/(platform\/)?embedded\/resolve-order\.ts/],
  ["step 2: find or create the open invoice", /core\/src\/(platform\/)?embedded\/ensure-open-invoice\.ts/],
  [
    "step 3: the payment request and its link",
    /core\/src\/(platform\/)?embedded\/(create-payment-request|payment-token|reminder-schedule)\.ts/,
  ],
  ["rendering the text and the email", /core\/src\/((send|notify)\/templates|(domain\/)?money)\.ts/],
  // Before the store port, the embedded backend's one file also wrote the delivery's rows: one row for both.
  [
    "department lookup; delivery: outbox rows, per-channel results",
    /core\/src\/((platform\/)?embedded\/(embedded-backend|embedded-platform|record-delivery)\.ts|notify\/|send\/deliver|metrics\/observed-notifier)/,
  ],
  // A native statement's time shows under its JS caller, so the hash and the insert share a file's row here; the
  // in-process profile (profile-call.ts) times them apart.
  ["audit row: hash chain (SHA-256, head read, insert, 11 indexes)", /core\/src\/audit\/hash-chain\.ts/],
  ["audit row: redaction and serialization", /core\/src\/(audit\/|(domain\/)?(redact|mask)\.ts)/],
  [
    "idempotency key and call bookkeeping",
    /core\/src\/(send\/|idempotency\/|(platform\/)?embedded\/prepare-(call|steps)\.ts|programs\.ts|(domain\/)?(errors|ids|random-pool|call)\.ts)/,
  ],
  [
    "store: transactions, commits, WAL sync",
    /core\/src\/(store\/sqlite\/(write-queue|open-sqlite)|store\/postgres\/|db\/)/,
  ],
  [
    "SQLite worker thread: messages",
    /core\/src\/store\/sqlite\/(worker-store|sqlite-worker|worker-messages|shared-stats)\.ts/,
  ],
  [
    "metrics and logs",
    /server\/src\/(observability\/|logger\.ts)|core\/src\/(logger|metrics\/|ports\/(logger|metrics))/,
  ],
  ["HTTP: routes, envelope, audit middleware, headers", /server\/src\//],
];

/** Statement wrappers: time spent under them belongs to whoever ran the statement. */
const TRANSPARENT =
  /core\/src\/((platform\/)?embedded\/(platform-queries|statements)|notify\/outbox-rows|store\/(sqlite\/open-sqlite|sql|program|dialect)|ports\/(store|dialect))\.ts/;

const HTTP = "HTTP: Node's server, Hono, writing the answer";
const ZOD = "zod validation of the body";
const MESSAGES = "SQLite worker thread: messages";
const GC = "garbage collection";
const OTHER = "other code of this repository";
const UNATTRIBUTED = "V8 and native, unattributed";
export const COMPONENT_ORDER = [HTTP, ...COMPONENTS.map(([name]) => name), OTHER, GC, UNATTRIBUTED];

const repoPath = (url: string) => {
  if (!url || url.includes("node_modules") || url.startsWith("node:")) return undefined;
  return /\/(packages|apps)\/(.*)$/.exec(url)?.[2];
};

const libraryOf = (url: string) => {
  if (url.startsWith("node:")) return url;
  const after = url.split("node_modules/").at(-1);
  return url.includes("node_modules") && after ? after : undefined;
};

const componentOf = (stack: Frame[]): string | undefined => {
  const leaf = stack[0];
  if (!leaf) return undefined;
  if (leaf.name === "(idle)") return undefined;
  if (leaf.name === "(garbage collector)") return GC;
  const leafLibrary = libraryOf(leaf.url);
  if (leafLibrary?.startsWith("zod/")) return ZOD;
  if (leafLibrary?.startsWith("prom-client/")) return "metrics and logs";
  if (leafLibrary?.startsWith("hono/") || leafLibrary?.startsWith("@hono/")) return HTTP;
  for (const frame of stack) {
    const path = repoPath(frame.url);
    if (!path || TRANSPARENT.test(path)) continue;
    return COMPONENTS.find(([, pattern]) => pattern.test(path))?.[0] ?? OTHER;
  }
  if (stack.some((frame) => /node:internal\/(worker|per_context\/messageport)/.test(frame.url)))
    return MESSAGES;
  if (stack.some((frame) => libraryOf(frame.url))) return HTTP;
  return UNATTRIBUTED;
};

export type ThreadProfile = { file: string; busyMicros: number; idleMicros: number };
export type ComponentProfile = { components: Map<string, number>; threads: ThreadProfile[] };

/**
 * CPU microseconds per component over the samples between `fromMicros` and `toMicros` (CLOCK_MONOTONIC, as
 * `process.hrtime` reads it in any process), summed over every thread's profile in `dir`.
 */
export const profileByComponent = (dir: string, fromMicros: number, toMicros: number): ComponentProfile => {
  const components = new Map<string, number>();
  const threads: ThreadProfile[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const memo = new Map<number, string | undefined>();
    const classify = (id: number) => {
      if (!memo.has(id)) {
        const stack: Frame[] = [];
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
          const frame = byId.get(at)?.callFrame;
          if (frame) stack.push({ name: frame.functionName, url: frame.url });
        }
        memo.set(id, componentOf(stack));
      }
      return memo.get(id);
    };
    const thread = { file, busyMicros: 0, idleMicros: 0 };
    let at = profile.startTime;
    profile.samples.forEach((sample, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      if (at < fromMicros || at > toMicros) return;
      const component = classify(sample);
      if (component === undefined) {
        thread.idleMicros += delta;
        return;
      }
      thread.busyMicros += delta;
      components.set(component, (components.get(component) ?? 0) + delta);
    });
    if (thread.busyMicros > 0) threads.push(thread);
  }
  return { components, threads };
};
