// Literal alternations as a trie-shaped regex. V8 tries every alternative of
// a flat `a|b|c` at each position; factoring shared prefixes out makes the
// keyword and trigger scans of the secret and injection detectors cheaper.

type Trie = Map<string, Trie>;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A regex source matching exactly the given literals, longest first at each branch. Linear: no quantifier but `?` on a group entered once, depth bounded by the longest word. */
export function trieRegex(words: string[]): string {
  const root: Trie = new Map();
  for (const w of words) {
    let n = root;
    for (const ch of `${w}\0`) {
      if (!n.has(ch)) n.set(ch, new Map());
      n = n.get(ch)!;
    }
  }
  const emit = (n: Trie): string => {
    const alts: string[] = [];
    let end = false;
    for (const [ch, c] of [...n.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (ch === '\0') end = true;
      else alts.push(esc(ch) + emit(c));
    }
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    return end ? `(?:${body})?` : body;
  };
  return emit(root);
}
