// A bounded ring buffer: the newest `capacity` items, oldest evicted first.
// Histories live in these so that no session can grow without bound.

export class Ring<T> {
  private items: Array<T | undefined>;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = [];
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The i-th newest item (0 = newest), or undefined. */
  back(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + this.count - 1 - i) % this.capacity];
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  static from<T>(capacity: number, items: readonly T[]): Ring<T> {
    const r = new Ring<T>(capacity);
    for (const it of items.slice(-capacity)) r.push(it);
    return r;
  }
}
