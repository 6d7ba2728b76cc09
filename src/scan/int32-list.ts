// A growing list of 32-bit integers in one Int32Array: what the word walks
// report to other detectors (anchor pairs, trigram ends) runs to tens of
// thousands of entries on a long text, and a JS array of 32-bit hashes boxes
// each one.

export class Int32List {
  private buf: Int32Array;
  private n = 0;

  constructor(capacity = 1024) {
    this.buf = new Int32Array(Math.max(2, capacity));
  }

  private room(more: number): void {
    if (this.n + more <= this.buf.length) return;
    const grown = new Int32Array(Math.max(this.buf.length * 2, this.n + more));
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
  }

  push2(a: number, b: number): void {
    this.room(2);
    this.buf[this.n++] = a;
    this.buf[this.n++] = b;
  }

  addAll(xs: Int32Array): void {
    this.room(xs.length);
    this.buf.set(xs, this.n);
    this.n += xs.length;
  }

  /** The entries so far (a view: later additions may move the list). */
  view(): Int32Array {
    return this.buf.subarray(0, this.n);
  }
}
