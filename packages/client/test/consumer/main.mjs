// Runs the compiled caller with the configuration the test passes in, and prints what it saw as JSON.
import { run } from "./out/caller.js";

process.stdout.write(JSON.stringify(await run(JSON.parse(process.env.PAYREQ_CALLER_CONFIG))));
