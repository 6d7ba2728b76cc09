// A fast path for the plainest command lines, which are most of what agents
// run: words of ordinary characters, single quotes, double quotes, plain
// variables (`$NAME`, `${NAME}`), backslash-escaped characters, leading
// assignments (`A=1 cmd`), pipes, `&&`, `||`, `;`, `&` and simple file
// redirections. For such lines the POSIX grammar is small enough to parse
// exactly by hand; the result has the same shape as tree-sitter-bash's tree
// (as far as the analyzer looks at it), so the analyzer walks both the same
// way. Anything outside this subset (substitutions, other expansions,
// heredocs, globs in brackets, braces other than `{}`, reserved words,
// comments, newlines) returns undefined and goes to tree-sitter. The fast path
// never decides anything; it only avoids the cost of the WebAssembly parser
// (a parse plus a copy of its tree is 20-40 µs) when the line holds no shell
// syntax beyond these. A differential test checks both give identical facts.

import { SNode as N, type SyntaxNode } from './tree.ts';

export type { SyntaxNode } from './tree.ts';

const MAX_SIMPLE = 4096;
/** Characters a bare word may hold in the fast path (`#` too, but not first: there it starts a comment). */
const BARE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@+,~*?%^-';
const BARE_TABLE = new Uint8Array(128);
for (let k = 0; k < BARE_CHARS.length; k++) BARE_TABLE[BARE_CHARS.charCodeAt(k)] = 1;
/** A table lookup, not a regex per character: the tokenizer looks at every character of every line. */
const bareAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c < 128 && BARE_TABLE[c] === 1;
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** `NAME=` at the start of a word before the command name: an assignment. */
const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Reserved words and declaration builtins: tree-sitter gives them their own node types. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '[[', ']]', '{', '}', '!', 'declare', 'typeset', 'export', 'local', 'readonly', 'unset']);

type Tok =
  | { k: 'word'; node: N }
  | { k: 'op'; op: '|' | '&&' | '||' | ';' | '&'; start: number; end: number }
  | { k: 'redir'; node: N };

/** Parses a plain command line; undefined when the line needs the full parser. */
export function parseSimple(src: string): SyntaxNode | undefined {
  if (src.length === 0 || src.length > MAX_SIMPLE) return undefined;
  const toks = tokenize(src);
  if (!toks) return undefined;
  const program = new N(src, 'program', 0, src.length);
  // statements separated by ;
  let i = 0;
  while (i < toks.length) {
    const stmt = list(src, toks, i);
    if (!stmt) return undefined;
    program.add(stmt.node);
    i = stmt.next;
    const t = toks[i];
    if (t === undefined) break;
    if (t.k !== 'op' || (t.op !== ';' && t.op !== '&')) return undefined;
    program.add(new N(src, t.op, t.start, t.end, false));
    i++;
  }
  return program.children.length > 0 ? program : undefined;
}

function list(src: string, toks: Tok[], start: number): { node: N; next: number } | undefined {
  const first = pipeline(src, toks, start);
  if (!first) return undefined;
  let i = first.next;
  let node = first.node;
  for (;;) {
    const t = toks[i];
    if (!t || t.k !== 'op' || (t.op !== '&&' && t.op !== '||')) return { node, next: i };
    const right = pipeline(src, toks, i + 1);
    if (!right) return undefined;
    const l = new N(src, 'list', node.startIndex, right.node.endIndex);
    l.add(node).add(new N(src, t.op, t.start, t.end, false)).add(right.node);
    node = l;
    i = right.next;
  }
}

function pipeline(src: string, toks: Tok[], start: number): { node: N; next: number } | undefined {
  const stages: N[] = [];
  let i = start;
  for (;;) {
    const c = command(src, toks, i);
    if (!c) return undefined;
    stages.push(c.node);
    i = c.next;
    const t = toks[i];
    if (!t || t.k !== 'op' || t.op !== '|') break;
    i++;
  }
  if (stages.length === 1) return { node: stages[0]!, next: i };
  const p = new N(src, 'pipeline', stages[0]!.startIndex, stages[stages.length - 1]!.endIndex);
  for (const s of stages) p.add(s);
  return { node: p, next: i };
}

function command(src: string, toks: Tok[], start: number): { node: N; next: number } | undefined {
  const words: N[] = [];
  const redirects: N[] = [];
  const assigns: N[] = [];
  let i = start;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k === 'op') break;
    if (t.k === 'redir') redirects.push(t.node);
    else if (words.length === 0 && ASSIGN.test(src.slice(t.node.startIndex, t.node.endIndex))) {
      const a = assignment(src, t.node);
      if (!a) return undefined;
      assigns.push(a);
    } else words.push(t.node);
  }
  if (words.length === 0) {
    // A statement of assignments only (`A=1`, `A=1 B=2`).
    if (assigns.length === 0 || redirects.length > 0) return undefined;
    if (assigns.length === 1) return { node: assigns[0]!, next: i };
    const all = new N(src, 'variable_assignments', assigns[0]!.startIndex, assigns[assigns.length - 1]!.endIndex);
    for (const a of assigns) all.add(a);
    return { node: all, next: i };
  }
  const name = words[0]!;
  // Reserved words have their own grammar: leave them to tree-sitter.
  if (RESERVED.has(name.text)) return undefined;
  // tree-sitter-bash reads some characters in a command name specially (a@0, a%:, x=1, globs): leave those to it.
  // A name starting with `-` makes tree-sitter-bash drop words (`- A=a` parses as `A=a`).
  if (/[^A-Za-z0-9_./+'" -]/.test(name.text) || name.text.startsWith('-')) return undefined;
  const cmd = new N(src, 'command', assigns[0]?.startIndex ?? name.startIndex, words[words.length - 1]!.endIndex);
  for (const a of assigns) cmd.add(a);
  cmd.add(new N(src, 'command_name', name.startIndex, name.endIndex).add(name), 'name');
  for (let k = 1; k < words.length; k++) cmd.add(words[k]!, 'argument');
  if (redirects.length === 0) return { node: cmd, next: i };
  let lo = cmd.startIndex;
  let hi = cmd.endIndex;
  for (const x of redirects) {
    if (x.startIndex < lo) lo = x.startIndex;
    if (x.endIndex > hi) hi = x.endIndex;
  }
  const r = new N(src, 'redirected_statement', lo, hi);
  r.add(cmd, 'body');
  for (const x of redirects) r.add(x, 'redirect');
  return { node: r, next: i };
}

/** `NAME=value` (a word the tokenizer read whole) as tree-sitter's variable_assignment; undefined when the value is empty or unusual. */
function assignment(src: string, w: N): N | undefined {
  const eq = src.indexOf('=', w.startIndex);
  // `A=~ x` reads as the regex operator `=~` to tree-sitter-bash: values starting with `~` go to it.
  // `_=x` is a command word to tree-sitter-bash, not an assignment.
  if (eq + 1 >= w.endIndex || src[eq + 1] === '~' || eq === w.startIndex + 1 && src[w.startIndex] === '_') return undefined;
  const value = word(src, eq + 1);
  if (!value || value.endIndex !== w.endIndex) return undefined;
  const a = new N(src, 'variable_assignment', w.startIndex, w.endIndex);
  a.add(new N(src, 'variable_name', w.startIndex, eq), 'name');
  a.add(new N(src, '=', eq, eq + 1, false));
  a.add(value, 'value');
  return a;
}

function tokenize(src: string): Tok[] | undefined {
  const toks: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '|') {
      if (src[i + 1] === '|') {
        toks.push({ k: 'op', op: '||', start: i, end: i + 2 });
        i += 2;
      } else if (src[i + 1] === '&') return undefined;
      else {
        toks.push({ k: 'op', op: '|', start: i, end: i + 1 });
        i++;
      }
      continue;
    }
    if (c === '&') {
      if (src[i + 1] === '&') {
        toks.push({ k: 'op', op: '&&', start: i, end: i + 2 });
        i += 2;
        continue;
      }
      // `a &`, `a & b`: a background job; `&>` and `&|` are other syntax.
      if (src[i + 1] === '>' || src[i + 1] === '|' || src[i + 1] === '&') return undefined;
      toks.push({ k: 'op', op: '&', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === ';') {
      if (src[i + 1] === ';' || src[i + 1] === '&') return undefined;
      toks.push({ k: 'op', op: ';', start: i, end: i + 1 });
      i++;
      continue;
    }
    // Redirections: [n]>, [n]>>, [n]<, [n]>&m, [n]>&-.
    const r = redirect(src, i);
    if (r === null) return undefined;
    if (r) {
      toks.push({ k: 'redir', node: r.node });
      i = r.end;
      continue;
    }
    const w = word(src, i);
    if (!w) return undefined;
    toks.push({ k: 'word', node: w });
    i = w.endIndex;
  }
  return toks;
}

/** A redirection at i; undefined when there is none, null when it is one the fast path does not handle. */
function redirect(src: string, i: number): { node: N; end: number } | undefined | null {
  let j = i;
  while (j < src.length && src[j]! >= '0' && src[j]! <= '9') j++;
  const op = src[j];
  if (op !== '>' && op !== '<') return undefined;
  // Digits directly before > belong to the redirect only at the start of a word.
  if (j > i && i > 0 && !/[\s;|&]/.test(src[i - 1]!)) return null;
  const fd = j > i ? new N(src, 'file_descriptor', i, j) : undefined;
  let k = j + 1;
  if (op === '<' && (src[k] === '<' || src[k] === '>' || src[k] === '&' || src[k] === '(')) return null;
  if (op === '>') {
    if (src[k] === '>') k++;
    else if (src[k] === '|' || src[k] === '(') return null;
    else if (src[k] === '&') {
      k++;
      const m = /^(\d+|-)/.exec(src.slice(k, k + 8));
      if (!m) return null;
      const dest = new N(src, m[1] === '-' ? 'word' : 'number', k, k + m[1]!.length);
      const node = new N(src, 'file_redirect', i, dest.endIndex);
      if (fd) node.add(fd, 'descriptor');
      node.add(dest, 'destination');
      return { node, end: dest.endIndex };
    }
  }
  while (src[k] === ' ' || src[k] === '\t') k++;
  const dest = word(src, k);
  if (!dest) return null;
  const node = new N(src, 'file_redirect', i, dest.endIndex);
  if (fd) node.add(fd, 'descriptor');
  node.add(dest, 'destination');
  return { node, end: dest.endIndex };
}

/** `$NAME` or `${NAME}` at i (as tree-sitter's simple_expansion / expansion); undefined for any other `$` form. */
function variable(src: string, i: number): N | undefined {
  if (src[i + 1] === '{') {
    const m = NAME.exec(src.slice(i + 2, i + 2 + 256));
    if (!m || src[i + 2 + m[0].length] !== '}') return undefined;
    return new N(src, 'expansion', i, i + 3 + m[0].length);
  }
  const m = NAME.exec(src.slice(i + 1, i + 1 + 256));
  if (!m) return undefined;
  return new N(src, 'simple_expansion', i, i + 1 + m[0].length);
}

/** A word of bare characters, quoted parts and plain variables; undefined if it holds anything the fast path does not handle. */
function word(src: string, start: number): N | undefined {
  const parts: N[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "'") {
      if (parts.some((p) => p.type === 'simple_expansion' || p.type === 'expansion')) return undefined;
      const end = src.indexOf("'", i + 1);
      if (end === -1) return undefined;
      parts.push(new N(src, 'raw_string', i, end + 1));
      i = end + 1;
    } else if (c === '"') {
      if (parts.some((p) => p.type === 'simple_expansion' || p.type === 'expansion')) return undefined;
      const inner: N[] = [];
      let j = i + 1;
      let text = j;
      while (j < src.length && src[j] !== '"') {
        const d = src[j]!;
        if (d === '`' || d === '!') return undefined;
        // `\x` inside double quotes stays in the string's text (tree-sitter's string_content holds it); not a line continuation.
        if (d === '\\') {
          const e = src[j + 1];
          // An escaped blank before `$` is folded into the expansion by tree-sitter-bash, like a plain blank: leave those to it.
          if (e === undefined || e === '\n' || e === '\r' || e === ' ' || e === '\t') return undefined;
          j += 2;
          continue;
        }
        if (d === '$') {
          const v = variable(src, j);
          if (!v) return undefined;
          // tree-sitter-bash folds blanks between the quote (or a previous expansion) and `$` into the expansion node.
          if (j > text && /^\s+$/.test(src.slice(text, j))) return undefined;
          if (j > text) inner.push(new N(src, 'string_content', text, j));
          inner.push(v);
          j = text = v.endIndex;
          continue;
        }
        j++;
      }
      if (j >= src.length) return undefined;
      if (j > text) inner.push(new N(src, 'string_content', text, j));
      const s = new N(src, 'string', i, j + 1);
      for (const x of inner) s.add(x);
      parts.push(s);
      i = j + 1;
    } else if (c === '$') {
      // tree-sitter-bash splits some words with two expansions (`$A/$B/x` becomes `$A/$` and `B/x`) or a
      // string before an expansion: the fast path takes one unquoted expansion, after bare text only.
      if (parts.some((p) => p.type !== 'word')) return undefined;
      const v = variable(src, i);
      if (!v) return undefined;
      parts.push(v);
      i = v.endIndex;
    } else if (bareAt(src, i) || c === '\\' || (c === '{' && src[i + 1] === '}')) {
      // A run of bare characters; `\x` (not a line continuation) and `{}` (find -exec, xargs -I) stay in the word
      // as tree-sitter keeps them; `#` inside a run is text, not a comment.
      let j = i;
      while (j < src.length) {
        const d = src[j]!;
        if (bareAt(src, j) || (d === '#' && j > i)) j++;
        // tree-sitter drops a `\ ` that starts a word and splits `{}\;` and `'x'\;`: escapes only after bare text or at a word's start.
        else if (d === '\\' && j + 1 < src.length && !/[\s]/.test(src[j + 1]!) && (j === start || (j > i && bareAt(src, j - 1)))) j += 2;
        else if (d === '{' && src[j + 1] === '}') j += 2;
        else break;
      }
      if (j === i) return undefined;
      parts.push(new N(src, 'word', i, j));
      i = j;
    } else break;
  }
  if (parts.length === 0) return undefined;
  // tree-sitter-bash reads a lone `==` and a word starting with `=~` as test operators (a parse error outside a test): leave them to it.
  if (src[start] === '=' && ((src[start + 1] === '=' && i === start + 2) || src[start + 1] === '~')) return undefined;
  const next = src[i];
  if (next !== undefined && next !== ' ' && next !== '\t' && next !== '|' && next !== ';' && next !== '&' && next !== '>' && next !== '<') return undefined;
  // A word directly followed by < or > is a redirect target only after digits; anything else is unusual: full parser.
  if ((next === '>' || next === '<') && !/^\d+$/.test(src.slice(start, i))) return undefined;
  if (parts.length === 1) return parts[0];
  const cat = new N(src, 'concatenation', start, i);
  for (const p of parts) cat.add(p);
  return cat;
}
