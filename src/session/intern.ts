// A bounded string interner for history entries. Every decision parses its
// action from fresh JSON, so without interning each of the thousands of
// entries a gateway keeps would hold its own copy of the same tool name,
// session id, rule list and short argument values. Bounded: when full, it
// starts over (entries keep their strings; only sharing is lost).

export class Interner {
  private strings = new Map<string, string>();
  private lists = new Map<string, readonly string[]>();

  constructor(private readonly max = 65_536) {}

  /** The shared copy of a short string; long strings are returned as they are. */
  str<T extends string | undefined>(s: T): T {
    if (s === undefined || s.length > 128) return s;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit as T;
    if (this.strings.size >= this.max) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  /** A shared, frozen copy of a short list of strings (rule ids). */
  list(items: readonly string[]): readonly string[] {
    const key = items.join('\u0000');
    const hit = this.lists.get(key);
    if (hit) return hit;
    if (this.lists.size >= this.max) this.lists.clear();
    const copy = Object.freeze(items.map((x) => this.str(x)));
    this.lists.set(key, copy);
    return copy;
  }
}
