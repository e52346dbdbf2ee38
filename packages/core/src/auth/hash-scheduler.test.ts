import { afterEach, describe, expect, it, vi } from "vitest";
import { createHashScheduler, type HashPriority, type HashSchedulerLimits } from "./hash-scheduler.ts";

const LIMITS: HashSchedulerLimits = { concurrency: 1, perAddress: 4, maxPending: 100, maxWaitMs: 10_000 };

/** A scheduler whose hashes finish only when released; `order` lists the jobs in the order they got a slot. */
const harness = (limits: Partial<HashSchedulerLimits> = {}) => {
  const scheduler = createHashScheduler({ ...LIMITS, ...limits });
  const order: string[] = [];
  const running: (() => void)[] = [];
  const submit = (address: string, name: string, priority: HashPriority = "clean") =>
    scheduler.run(address, (withSlot) =>
      withSlot(priority, async () => {
        order.push(name);
        await new Promise<void>((resolve) => running.push(resolve));
        return name;
      }),
    );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** Finishes the running hashes one at a time until none is left. */
  const drain = async () => {
    await settle();
    while (running.length > 0) {
      running.shift()?.();
      await settle();
    }
  };
  return { scheduler, order, submit, drain, settle };
};

describe("hash scheduler", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes addresses round-robin, one turn each, however many jobs an address sent first", async () => {
    const h = harness();
    const jobs = [
      ...["a1", "a2", "a3", "a4"].map((name) => h.submit("a", name)),
      h.submit("b", "b1"),
      h.submit("c", "c1"),
      h.submit("b", "b2"),
    ];
    await h.drain();
    expect(await Promise.all(jobs)).toEqual(
      ["a1", "a2", "a3", "a4", "b1", "c1", "b2"].map((value) => ({ kind: "done", value })),
    );
    expect(h.order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
  });

  it("never runs two hashes of one address at once, even with slots free", async () => {
    const h = harness({ concurrency: 4 });
    const jobs = ["a1", "a2", "a3"].map((name) => h.submit("a", name));
    await h.settle();
    expect(h.order).toEqual(["a1"]);
    expect(h.scheduler.running).toBe(1);
    await h.drain();
    await Promise.all(jobs);
    expect(h.order).toEqual(["a1", "a2", "a3"]);
  });

  it("gives waiting slots to clean addresses before suspect ones", async () => {
    const h = harness();
    const jobs = [
      h.submit("x", "x1"),
      h.submit("s1", "s1", "suspect"),
      h.submit("s2", "s2", "suspect"),
      h.submit("c", "c1"),
    ];
    await h.drain();
    await Promise.all(jobs);
    expect(h.order).toEqual(["x1", "c1", "s1", "s2"]);
  });

  it("refuses an address's jobs beyond its share at once, and only that address's", async () => {
    const h = harness({ perAddress: 2 });
    const held = [h.submit("a", "a1"), h.submit("a", "a2")];
    expect(await h.submit("a", "a3")).toEqual({ kind: "excess" });
    const other = h.submit("b", "b1");
    await h.drain();
    expect((await Promise.all([...held, other])).map((r) => r.kind)).toEqual(["done", "done", "done"]);
    expect(h.scheduler.pending).toBe(0);
  });

  it("refuses as busy past the memory bound", async () => {
    const h = harness({ maxPending: 2 });
    const held = [h.submit("a", "a1"), h.submit("b", "b1")];
    expect(await h.submit("c", "c1")).toEqual({ kind: "busy" });
    await h.drain();
    await Promise.all(held);
    expect(await h.scheduler.run("c", async () => "no hash needed")).toEqual({
      kind: "done",
      value: "no hash needed",
    });
  });

  it("gives up on a job that waited too long, in its address's line or for a slot, and forgets it", async () => {
    vi.useFakeTimers();
    const h = harness({ maxWaitMs: 1000 });
    const first = h.submit("a", "a1");
    const behindOwnAddress = h.submit("a", "a2");
    const forSlot = h.submit("b", "b1");
    await vi.advanceTimersByTimeAsync(1001);
    expect(await behindOwnAddress).toEqual({ kind: "timeout" });
    expect(await forSlot).toEqual({ kind: "timeout" });
    expect(h.scheduler.waiting).toBe(0);
    expect(h.scheduler.pending).toBe(1);
    vi.useRealTimers();
    const next = h.submit("b", "b2");
    await h.drain();
    expect((await Promise.all([first, next])).map((r) => r.kind)).toEqual(["done", "done"]);
    expect(h.order).toEqual(["a1", "b2"]);
    expect(h.scheduler.pending).toBe(0);
  });

  it("frees the turn and the slot when the work throws", async () => {
    const h = harness();
    await expect(
      h.scheduler.run("a", (withSlot) =>
        withSlot("clean", async () => {
          throw new Error("store down");
        }),
      ),
    ).rejects.toThrow("store down");
    const next = h.submit("a", "a2");
    await h.drain();
    expect(await next).toEqual({ kind: "done", value: "a2" });
    expect(h.scheduler).toMatchObject({ pending: 0, running: 0, waiting: 0 });
  });
});
