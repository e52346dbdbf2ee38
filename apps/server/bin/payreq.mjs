#!/usr/bin/env node
// The payreq command: runs the TypeScript source through tsx's loader (packages are consumed as source).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
