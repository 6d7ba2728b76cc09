// A fast path for the plainest command lines, which are most of what agents
// run: words of ordinary characters, single quotes, double quotes without
// expansions or escapes, pipes, `&&`, `||`, `;` and simple file redirections.
// For such lines the POSIX grammar is small enough to parse exactly by hand;
// the result has the same shape as tree-sitter-bash's tree, so the analyzer
// walks both the same way. Anything outside this subset (expansions,
// substitutions, backslashes, heredocs, globs in brackets, assignments,
// reserved words, background jobs, comments, newlines) returns undefined and
// goes to tree-sitter. The fast path never decides anything; it only avoids
// the cost of the WebAssembly parser when the line holds no shell syntax
// beyond words and operators.

import { SNode as N, type SyntaxNode } from './tree.ts';

export type { SyntaxNode } from './tree.ts';

const MAX_SIMPLE = 4096;
/** Characters a bare word may hold in the fast path. */
const BARE = /[A-Za-z0-9_./:=@+,~*?-]/;
/** Reserved words and declaration builtins: tree-sitter gives them their own node types. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '[[', ']]', '{', '}', '!', 'declare', 'typeset', 'export', 'local', 'readonly', 'unset']);

type Tok =
  | { k: 'word'; node: N }
  | { k: 'op'; op: '|' | '&&' | '||' | ';'; start: number; end: number }
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
    if (t.k !== 'op' || t.op !== ';') return undefined;
    program.add(new N(src, ';', t.start, t.end, false));
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
  let i = start;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k === 'op') break;
    if (t.k === 'redir') redirects.push(t.node);
    else words.push(t.node);
  }
  if (words.length === 0) return undefined;
  const name = words[0]!;
  // Assignments and reserved words have their own grammar: leave them to tree-sitter.
  if (RESERVED.has(name.text)) return undefined;
  // tree-sitter-bash reads some characters in a command name specially (a@0, a%:, x=1, globs): leave those to it.
  if (/[^A-Za-z0-9_./+'" -]/.test(name.text)) return undefined;
  const cmd = new N(src, 'command', name.startIndex, words[words.length - 1]!.endIndex);
  cmd.add(new N(src, 'command_name', name.startIndex, name.endIndex).add(name), 'name');
  for (const w of words.slice(1)) cmd.add(w, 'argument');
  if (redirects.length === 0) return { node: cmd, next: i };
  const all = [...words, ...redirects];
  const r = new N(src, 'redirected_statement', Math.min(...all.map((x) => x.startIndex)), Math.max(...all.map((x) => x.endIndex)));
  r.add(cmd, 'body');
  for (const x of redirects) r.add(x, 'redirect');
  return { node: r, next: i };
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
      if (src[i + 1] !== '&') return undefined;
      toks.push({ k: 'op', op: '&&', start: i, end: i + 2 });
      i += 2;
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

/** A word of bare characters and quoted parts; undefined if it holds anything the fast path does not handle. */
function word(src: string, start: number): N | undefined {
  const parts: N[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end === -1) return undefined;
      parts.push(new N(src, 'raw_string', i, end + 1));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        const d = src[j]!;
        if (d === '$' || d === '`' || d === '\\' || d === '!') return undefined;
        j++;
      }
      if (j >= src.length) return undefined;
      const s = new N(src, 'string', i, j + 1);
      if (j > i + 1) s.add(new N(src, 'string_content', i + 1, j));
      parts.push(s);
      i = j + 1;
    } else if (BARE.test(c)) {
      // `#` starts a comment only at a word's start; `~` is tilde expansion only there: both fine as text later.
      let j = i;
      while (j < src.length && BARE.test(src[j]!)) j++;
      parts.push(new N(src, 'word', i, j));
      i = j;
    } else break;
  }
  if (parts.length === 0) return undefined;
  const next = src[i];
  if (next !== undefined && next !== ' ' && next !== '\t' && next !== '|' && next !== ';' && next !== '&' && next !== '>' && next !== '<') return undefined;
  // A word directly followed by < or > is a redirect target only after digits; anything else is unusual: full parser.
  if ((next === '>' || next === '<') && !/^\d+$/.test(src.slice(start, i))) return undefined;
  if (parts.length === 1) return parts[0];
  const cat = new N(src, 'concatenation', start, i);
  for (const p of parts) cat.add(p);
  return cat;
}
