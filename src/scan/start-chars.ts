// Which UTF-16 units can start a case-insensitive match of one of a set of
// keys. The word walk reports every word with letters from U+00C0 up ("wide"
// words: Cyrillic, CJK, "fußball", "••4605") for a regex to search, because
// the regex's word boundaries fall inside them; a wide word none of whose
// units can start a key cannot hold a match, and is passed over without a
// slice or a regex run. In Cyrillic or CJK prose every word is wide.

/**
 * Which units can start a key. A unit counts when its lower or upper case is
 * the lower or upper case of a key's first unit (what a regex with the i flag
 * may match there). Units are judged on first sight and remembered: case
 * mapping all 65536 units up front would cost milliseconds at startup.
 */
export class StartChars {
  private readonly firsts = new Set<string>();
  /** 0 not judged yet, 1 can start a key, 2 cannot. */
  private readonly table = new Uint8Array(65536);

  constructor(keys: Iterable<string>) {
    for (const k of keys) {
      if (k.length === 0) continue;
      const c = k[0]!;
      this.firsts.add(c).add(c.toLowerCase()).add(c.toUpperCase());
    }
  }

  /** True when some unit of text[start, end) can start a key. */
  within(text: string, start: number, end: number): boolean {
    const table = this.table;
    for (let i = start; i < end; i++) {
      const u = text.charCodeAt(i);
      const k = table[u] || this.judge(u);
      if (k === 1) return true;
    }
    return false;
  }

  private judge(u: number): number {
    const s = String.fromCharCode(u);
    const f = this.firsts;
    return (this.table[u] = f.has(s) || f.has(s.toLowerCase()) || f.has(s.toUpperCase()) ? 1 : 2);
  }
}
