/**
 * The calls a server is handling: each from the moment its handler starts until its handler's promise settles,
 * which may be after its connection is gone. Shutdown waits for `idle()` so that nothing a handler still needs
 * (the database, the notifier) is closed under it.
 */
export const createCallTracker = () => {
  let inFlight = 0;
  let ended = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    inFlight--;
    ended++;
    if (inFlight === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };
  return {
    track<T>(handling: T | Promise<T>): T | Promise<T> {
      if (!(handling instanceof Promise)) {
        ended++;
        return handling;
      }
      inFlight++;
      return handling.finally(settle);
    },
    get inFlight() {
      return inFlight;
    },
    get ended() {
      return ended;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
};
