/**
 * Uploads finish in any order, but the photos join the listing in the order they were chosen
 * (the first chosen is the cover). Each upload is added when chosen; `settle` records its result
 * and releases, in order, every finished upload no earlier one is still waiting for.
 */
export class UploadOrder<T> {
  private queue: Array<{ key: string; settled: boolean; value: T | null }> = [];

  add(key: string): void {
    this.queue.push({ key, settled: false, value: null });
  }

  /** Records an upload's result (`null` when it failed) and returns the uploads now released, in order. */
  settle(key: string, value: T | null): Array<{ key: string; value: T | null }> {
    const entry = this.queue.find((e) => e.key === key);
    if (entry) {
      entry.settled = true;
      entry.value = value;
    }
    const released: Array<{ key: string; value: T | null }> = [];
    while (this.queue.length > 0 && this.queue[0].settled) {
      const { key: k, value: v } = this.queue.shift()!;
      released.push({ key: k, value: v });
    }
    return released;
  }

  /** Uploads chosen but not yet released. */
  get waiting(): number {
    return this.queue.length;
  }
}
