// A small glob matcher for names and strings (tool names, kinds, hosts, ids):
// `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!x]`, and
// `\` to escape. It runs in O(n·m) worst case with no backtracking explosion,
// unlike a glob translated to a JavaScript RegExp. Paths use minimatch
// semantics instead (see analyze/path).

type Token =
  | { t: 'lit'; c: string }
  | { t: 'any1' }
  | { t: 'star' }
  | { t: 'class'; negate: boolean; ranges: Array<[string, string]> };

export interface Glob {
  test(s: string): boolean;
  readonly source: string;
  /** True when the pattern has no wildcard (exact match). */
  readonly literal: boolean;
}

export function compileGlob(pattern: string, ignoreCase = false): Glob {
  const src = ignoreCase ? pattern.toLowerCase() : pattern;
  const tokens = tokenize(src);
  const literal = tokens.every((t) => t.t === 'lit');
  if (literal) {
    const lit = tokens.map((t) => (t as { c: string }).c).join('');
    return {
      source: pattern,
      literal: true,
      test: ignoreCase ? (s) => s.toLowerCase() === lit : (s) => s === lit,
    };
  }
  // Fast path for the common "prefix*" shape.
  const last = tokens[tokens.length - 1];
  if (last?.t === 'star' && tokens.slice(0, -1).every((t) => t.t === 'lit')) {
    const prefix = tokens.slice(0, -1).map((t) => (t as { c: string }).c).join('');
    return {
      source: pattern,
      literal: false,
      test: ignoreCase ? (s) => s.toLowerCase().startsWith(prefix) : (s) => s.startsWith(prefix),
    };
  }
  return {
    source: pattern,
    literal: false,
    test: (s) => matchTokens(tokens, ignoreCase ? s.toLowerCase() : s),
  };
}

function tokenize(p: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\' && i + 1 < p.length) {
      out.push({ t: 'lit', c: p[++i]! });
    } else if (ch === '*') {
      if (out[out.length - 1]?.t !== 'star') out.push({ t: 'star' });
    } else if (ch === '?') {
      out.push({ t: 'any1' });
    } else if (ch === '[') {
      const close = p.indexOf(']', i + 2);
      if (close === -1) {
        out.push({ t: 'lit', c: ch });
        continue;
      }
      let body = p.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const ranges: Array<[string, string]> = [];
      for (let j = 0; j < body.length; j++) {
        const a = body[j]!;
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([a, body[j + 2]!]);
          j += 2;
        } else ranges.push([a, a]);
      }
      out.push({ t: 'class', negate, ranges });
      i = close;
    } else {
      out.push({ t: 'lit', c: ch });
    }
  }
  return out;
}

function one(tok: Token, c: string): boolean {
  switch (tok.t) {
    case 'lit':
      return tok.c === c;
    case 'any1':
      return true;
    case 'class': {
      let hit = false;
      for (const [lo, hi] of tok.ranges) {
        if (c >= lo && c <= hi) {
          hit = true;
          break;
        }
      }
      return hit !== tok.negate;
    }
    default:
      return false;
  }
}

/** Classic wildcard matching with a single backtrack point: O(n·m). */
function matchTokens(tokens: Token[], s: string): boolean {
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    const tok = tokens[ti];
    if (tok && tok.t === 'star') {
      starTi = ti++;
      starSi = si;
    } else if (tok && one(tok, s[si]!)) {
      ti++;
      si++;
    } else if (starTi !== -1) {
      ti = starTi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (ti < tokens.length && tokens[ti]!.t === 'star') ti++;
  return ti === tokens.length;
}
