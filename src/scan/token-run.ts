// The shortest run of non-blank characters that every match of a regex's
// capture group must contain, read off the regex source (RE2 syntax). The
// secret scanner skips a keyword window whose longest non-blank run is
// shorter than its rule's: prose hits keywords such as "pat" or "ado"
// thousands of times, re2js costs microseconds per window, and counting a
// run costs nanoseconds. A token format (52 base32 characters, a 64-digit
// hex tail) is exactly what prose lacks.
//
// Conservative by construction: "blank" is the six ASCII whitespace
// characters, any construct that might match one of them (., \s, negated
// classes, \p{..}, a literal space) breaks the run, and anything the parser
// does not understand makes the whole bound 0 (no gate). So the bound is
// never above the truth, and a window that fails it cannot hold a match.

/** Tab, newline, vertical tab, form feed, carriage return, space. */
const isBlankCode = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** What a piece of regex guarantees: `free` when no match can hold a blank (then `min` is its shortest length); `best` the longest run of non-blanks every match holds. */
interface Run {
  free: boolean;
  min: number;
  best: number;
}

const EMPTY: Run = { free: true, min: 0, best: 0 };
const ONE: Run = { free: true, min: 1, best: 1 };
const BLANK: Run = { free: false, min: 1, best: 0 };

class Unsupported extends Error {}

/**
 * The run every match of capture group `group` (0: the whole match) must
 * hold; 0 when the regex is not understood or the group is absent.
 */
export function minTokenRun(regex: string, group = 0): number {
  try {
    const p = new RunParser(regex);
    const whole = p.parse();
    const g = group === 0 ? whole : p.groups[group];
    return g ? g.best : 0;
  } catch {
    return 0;
  }
}

/** True when text[start, end) holds a run of at least `min` non-blank characters. */
export function hasTokenRun(text: string, start: number, end: number, min: number): boolean {
  let run = 0;
  for (let i = start; i < end; i++) {
    if (isBlankCode(text.charCodeAt(i))) run = 0;
    else if (++run >= min) return true;
  }
  return min <= 0;
}

class RunParser {
  private i = 0;
  /** Summaries of the capturing groups, by number. */
  readonly groups: Run[] = [];
  private count = 0;

  constructor(private readonly src: string) {}

  parse(): Run {
    const r = this.alternation();
    if (this.i < this.src.length) throw new Unsupported(`unexpected ')' at ${this.i}`);
    return r;
  }

  private alternation(): Run {
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    if (alts.length === 1) return alts[0]!;
    const free = alts.every((a) => a.free);
    return { free, min: Math.min(...alts.map((a) => a.min)), best: Math.min(...alts.map((a) => a.best)) };
  }

  private sequence(): Run {
    let free = true;
    let min = 0;
    let cur = 0;
    let best = 0;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const a = this.quantified(this.atom());
      min += a.min;
      if (a.free) cur += a.min;
      else {
        free = false;
        best = Math.max(best, cur, a.best);
        cur = 0;
      }
    }
    return { free, min, best: Math.max(best, cur) };
  }

  private quantified(a: Run): Run {
    const s = this.src;
    let lo: number;
    const c = s[this.i];
    if (c === '*' || c === '?') lo = 0;
    else if (c === '+') lo = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) return a; // RE2 reads a brace that is not a repeat as a literal: the atom parser sees it next
      lo = Number(m[1]);
      this.i += m[0].length - 1;
    } else return a;
    this.i++;
    if (s[this.i] === '?') this.i++; // lazy
    if (s[this.i] === '*' || s[this.i] === '+' || (s[this.i] === '{' && /^\{\d/.test(s.slice(this.i)))) throw new Unsupported('double repeat');
    if (a.free) return { free: true, min: a.min * lo, best: a.min * lo };
    return { free: false, min: a.min * lo, best: lo > 0 ? a.best : 0 };
  }

  private atom(): Run {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape(false).run;
    this.i++;
    if (c === '^' || c === '$') return EMPTY;
    if (c === '.') return BLANK;
    if (c === '*' || c === '+' || c === '?') throw new Unsupported('repeat without operand');
    return isBlankCode(c.charCodeAt(0)) ? BLANK : ONE;
  }

  private group(): Run {
    const s = this.src;
    this.i++;
    let capture = true;
    if (s[this.i] === '?') {
      const m = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|([imsU-]*)(:|\)))/.exec(s.slice(this.i));
      if (!m) throw new Unsupported(`group syntax at ${this.i}`);
      this.i += m[0].length;
      if (m[2] === ')') return EMPTY; // flags only: (?i)
      capture = m[2] === undefined;
    }
    const n = capture ? ++this.count : 0;
    const r = this.alternation();
    if (s[this.i] !== ')') throw new Unsupported('unclosed group');
    this.i++;
    if (capture) this.groups[n] = r;
    return r;
  }

  private charClass(): Run {
    const s = this.src;
    this.i++;
    let blank = false;
    if (s[this.i] === '^') {
      blank = true; // a negated class matches blanks unless it lists them all: not worth proving
      this.i++;
    }
    let first = true;
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      if (s.startsWith('[:', this.i)) {
        const e = s.indexOf(':]', this.i + 2);
        if (e < 0) throw new Unsupported('posix class');
        const name = s.slice(this.i + 2, e);
        if (!/^(?:alnum|alpha|digit|lower|upper|xdigit|word|punct|graph)$/.test(name)) blank = true;
        this.i = e + 2;
        continue;
      }
      const lo = this.classChar();
      if (lo.code < 0) {
        blank ||= lo.blank;
        continue;
      }
      let hi = lo.code;
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const h = this.classChar();
        if (h.code < 0) throw new Unsupported('range to a class');
        hi = h.code;
      }
      // a range covers a blank when it overlaps 0x09..0x0d or 0x20
      if ((lo.code <= 0x0d && hi >= 0x09) || (lo.code <= 0x20 && hi >= 0x20)) blank = true;
    }
    if (s[this.i] !== ']') throw new Unsupported('unclosed class');
    this.i++;
    return blank ? BLANK : ONE;
  }

  /** One member of a class: a character code, or -1 with whether the escape class (\s, \d, ...) may match a blank. */
  private classChar(): { code: number; blank: boolean } {
    const s = this.src;
    if (s[this.i] !== '\\') {
      const cp = s.codePointAt(this.i)!;
      this.i += cp > 0xffff ? 2 : 1;
      return { code: cp, blank: false };
    }
    const e = this.escape(true);
    return e.code !== undefined ? { code: e.code, blank: false } : { code: -1, blank: !e.run.free };
  }

  /** An escape at \: a single character (code), or a class or assertion (run only). */
  private escape(inClass: boolean): { run: Run; code?: number } {
    const s = this.src;
    const c = s[this.i + 1];
    if (c === undefined) throw new Unsupported('trailing backslash');
    this.i += 2;
    const single = (code: number) => ({ run: isBlankCode(code) ? BLANK : ONE, code });
    switch (c) {
      case 'd': case 'w': case 'S':
        return { run: ONE };
      case 's': case 'D': case 'W': case 'p': case 'P': case 'C': case 'Q':
        if (c === 'p' || c === 'P') {
          if (s[this.i] === '{') {
            const e = s.indexOf('}', this.i);
            if (e < 0) throw new Unsupported('\\p{');
            this.i = e + 1;
          } else this.i++;
        }
        if (c === 'Q') throw new Unsupported('\\Q');
        return { run: BLANK };
      case 'b': case 'B': case 'A': case 'z':
        if (inClass) throw new Unsupported(`\\${c} in a class`);
        return { run: EMPTY };
      case 't': return single(9);
      case 'n': return single(10);
      case 'v': return single(11);
      case 'f': return single(12);
      case 'r': return single(13);
      case 'a': return single(7);
      case 'x': {
        const m = /^(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(s.slice(this.i));
        if (!m) throw new Unsupported('\\x');
        this.i += m[0].length;
        return single(parseInt(m[1] ?? m[2]!, 16));
      }
      default:
        if (/[A-Za-z0-9]/.test(c)) throw new Unsupported(`\\${c}`);
        return single(c.charCodeAt(0)); // escaped punctuation stands for itself
    }
  }
}
