export type HashSchedulerLimits = {
  /** Hashes computed at once (each scrypt takes 16 MiB and a libuv thread). */
  concurrency: number;
  /** Verifications one address may have under way, its running one included; more are refused at once. */
  perAddress: number;
  /** Verifications under way from all addresses together: the memory a flood can hold. More are refused as busy. */
  maxPending: number;
  /** How long a verification may wait for its address's turn and then a hash slot before it is refused as busy. */
  maxWaitMs: number;
};

/** Addresses that have not failed are given hash slots before those that have. */
export type HashPriority = "clean" | "suspect";

export type Scheduled<T> =
  | { kind: "done"; value: T }
  /** The address already had `perAddress` verifications under way. */
  | { kind: "excess" }
  /** `maxPending` verifications were under way. */
  | { kind: "busy" }
  /** No turn within `maxWaitMs`. */
  | { kind: "timeout" };

/**
 * Runs `work` holding one of the hash slots, waiting behind turns of the same priority that asked first; call it
 * at most once per turn. The priority is the turn's own, known once the address's earlier attempts are counted.
 */
export type WithHashSlot = <T>(priority: HashPriority, work: () => Promise<T>) => Promise<T>;

type Waiter = { wake: (granted: boolean) => void };
type Lane = { size: number; queue: Waiter[] };

class WaitedTooLong extends Error {}

/**
 * Fair scheduling of password verifications by client address:
 * - one address has one verification at a time (its turn), the others wait behind it, up to `perAddress` in all,
 *   so each of its attempts is decided after the previous one has been counted;
 * - a turn that needs a hash waits for a slot in arrival order, clean addresses first; as every address has at
 *   most one turn, that is round-robin across addresses: a caller waits for one hash per address ahead of it,
 *   however many attempts those addresses sent;
 * - the only global bounds are memory (`maxPending`) and time (`maxWaitMs`), the last resort of a busy refusal.
 */
export const createHashScheduler = (limits: HashSchedulerLimits) => {
  const lanes = new Map<string, Lane>();
  const slotQueues: Record<HashPriority, Waiter[]> = { clean: [], suspect: [] };
  let pending = 0;
  let running = 0;

  const releaseSlot = () => {
    const next = slotQueues.clean.shift() ?? slotQueues.suspect.shift();
    if (next) next.wake(true);
    else running--;
  };

  const leaveLane = (address: string, lane: Lane) => {
    lane.size--;
    const next = lane.queue.shift();
    if (next) next.wake(true);
    else if (lane.size === 0) lanes.delete(address);
  };

  return {
    async run<T>(address: string, work: (withSlot: WithHashSlot) => Promise<T>): Promise<Scheduled<T>> {
      let lane = lanes.get(address);
      if (lane && lane.size >= limits.perAddress) return { kind: "excess" };
      if (pending >= limits.maxPending) return { kind: "busy" };
      pending++;
      if (!lane) {
        lane = { size: 0, queue: [] };
        lanes.set(address, lane);
      }
      lane.size++;
      let waiting: { list: Waiter[]; waiter: Waiter } | undefined;
      const wait = (list: Waiter[]) =>
        new Promise<boolean>((resolve) => {
          const waiter: Waiter = {
            wake: (granted) => {
              waiting = undefined;
              resolve(granted);
            },
          };
          waiting = { list, waiter };
          list.push(waiter);
        });
      const deadline = setTimeout(() => {
        if (!waiting) return;
        const { list, waiter } = waiting;
        list.splice(list.indexOf(waiter), 1);
        waiter.wake(false);
      }, limits.maxWaitMs);
      deadline.unref();
      try {
        if (lane.size > 1 && !(await wait(lane.queue))) {
          lane.size--;
          return { kind: "timeout" };
        }
        const withSlot: WithHashSlot = async (priority, slotWork) => {
          if (running < limits.concurrency) running++;
          else if (!(await wait(slotQueues[priority]))) throw new WaitedTooLong();
          clearTimeout(deadline);
          try {
            return await slotWork();
          } finally {
            releaseSlot();
          }
        };
        try {
          return { kind: "done", value: await work(withSlot) };
        } catch (error) {
          if (error instanceof WaitedTooLong) return { kind: "timeout" };
          throw error;
        } finally {
          leaveLane(address, lane);
        }
      } finally {
        clearTimeout(deadline);
        pending--;
      }
    },
    /** Verifications admitted and not yet answered. */
    get pending() {
      return pending;
    },
    /** Hashes being computed now. */
    get running() {
      return running;
    },
    /** Turns waiting for a hash slot. */
    get waiting() {
      return slotQueues.clean.length + slotQueues.suspect.length;
    },
  };
};

export type HashScheduler = ReturnType<typeof createHashScheduler>;
