// Worker threads do not inherit the TypeScript loader the main thread was started with: register it, then run.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-worker.ts");
