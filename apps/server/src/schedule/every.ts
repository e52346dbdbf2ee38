/**
 * Runs `task` now and then every `intervalMs`, never two at once (a tick that finds one under way joins it),
 * without keeping the process alive. `stop` ends the schedule and resolves once the run under way has ended.
 */
export const runEvery = (intervalMs: number, task: () => Promise<void>) => {
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = () => {
    if (stopped) return Promise.resolve();
    running ??= task().finally(() => {
      running = undefined;
    });
    return running;
  };
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    /** The run under way, or a new one. */
    runNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
