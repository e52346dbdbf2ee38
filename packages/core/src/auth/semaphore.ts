/** At most `limit` holders at once and at most `queue` waiting; beyond that, acquire() answers false at once. */
export const createSemaphore = (limit: number, queue: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<boolean> {
      if (active < limit) {
        active++;
        return true;
      }
      if (waiting.length >= queue) return false;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return true;
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
  };
};
