export { createApp } from "./app.ts";
export { readConfig } from "./config.ts";
export { startServer } from "./server.ts";
export type { AppRouter } from "./trpc/router.ts";
