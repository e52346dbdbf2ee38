// The SQLite worker's entry when run from the TypeScript sources: worker threads do not inherit the loader the
// main thread was started with, so register tsx's, then run. The build runs its bundled sqlite-worker.mjs instead.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-worker-main.ts");
