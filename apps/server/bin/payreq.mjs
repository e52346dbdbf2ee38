#!/usr/bin/env node
// The payreq command: runs the build (apps/server/dist), made first when it is missing or older than the sources.
// Production starts the build itself: `node apps/server/dist/payreq.mjs serve` (see the README).
import { pathToFileURL } from "node:url";
import { buildIfStale } from "../build/build-service.mjs";

await import(pathToFileURL(await buildIfStale()).href);
