// Turns a tree-sitter word node into what the program would receive: quotes
// removed, backslashes applied, $'…' decoded, and every part that only the
// running shell could know (variables, substitutions, globs) marked dynamic.
// Substitutions inside the word are handed back to the caller, which analyzes
// them as commands that run too.

import type { SyntaxNode as Node } from './tree.ts';
import { decodeAnsiC } from './ansi-c.ts';

export interface Word {
  /** Static value; dynamic parts are rendered as written ($x, ${HOME}, $(…)) or as a best guess. */
  text: string;
  /** Some part is only known at run time. */
  dynamic: boolean;
  /** Has unquoted glob characters (* ? [) that the shell would expand. */
  glob: boolean;
  /** Unquoted $IFS expansion: the shell splits the word there; `fields` are the pieces. */
  fields?: string[];
  /** Unquoted brace expansion {a,b}: the words the shell would produce. */
  braces?: string[];
}

/** What word evaluation needs from the walker. */
export interface WordEnv {
  /** Analyzes a substitution's commands; returns its best-guess output when it is a plain echo/printf. */
  substituteAt(node: Node): string | undefined;
  /** Value of a variable assigned statically earlier in the same script. */
  variable(name: string): string | undefined;
}

const IFS_MARK = '\u0000';

export function evalWord(node: Node, env: WordEnv): Word {
  const w: Word = { text: '', dynamic: false, glob: false };
  part(node, env, w, false);
  if (w.text.includes(IFS_MARK)) {
    w.fields = w.text.split(IFS_MARK).filter((f) => f !== '');
    w.text = w.text.split(IFS_MARK).join(' ');
  }
  return w;
}

function unescapeUnquoted(raw: string, w: Word): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next === undefined) break;
      i++;
      if (next !== '\n') out += next;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') w.glob = true;
    out += ch;
  }
  return out;
}

function unescapeDouble(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1]!;
      if (next === '$' || next === '`' || next === '"' || next === '\\') {
        out += next;
        i++;
        continue;
      }
      if (next === '\n') {
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

function varName(t: string): string {
  return t.startsWith('${') ? t.slice(2, -1) : t.slice(1);
}

function expansion(n: Node, env: WordEnv, w: Word, quoted: boolean): void {
  w.dynamic = true;
  // tree-sitter-bash folds blanks before `$` inside a string into the expansion node ("  $A"): they are text.
  // Line continuations inside the node (`$A\<newline>`) are nothing to bash.
  let t = n.text.includes('\\\n') ? n.text.replaceAll('\\\n', '') : n.text;
  if (t[0] !== '$') {
    const lead = /^\s*/.exec(t)![0];
    w.text += lead;
    t = t.slice(lead.length);
  }
  const inner = varName(t);
  if (/^IFS(:[^}]*)?$/.test(inner) || /^IFS\b/.test(inner)) {
    w.text += quoted ? ' ' : IFS_MARK;
    return;
  }
  // $@ and $* are empty outside functions with arguments; attackers splice them into names (c$@at).
  if (inner === '@' || inner === '*') return;
  const known = /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? env.variable(inner) : undefined;
  if (known !== undefined) {
    w.text += known;
    return;
  }
  w.text += /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? `$${inner}` : t;
  // ${x:-$(cmd)} and friends may hold substitutions that run.
  for (const c of n.namedChildren) if (c) sub(c, env);
}

/** Walks a subtree only for the substitutions it contains. */
function sub(n: Node, env: WordEnv): void {
  if (n.type === 'command_substitution' || n.type === 'process_substitution') {
    env.substituteAt(n);
    return;
  }
  for (const c of n.namedChildren) if (c) sub(c, env);
}

function part(n: Node, env: WordEnv, w: Word, quoted: boolean): void {
  switch (n.type) {
    case 'word':
    case 'command_name':
    case 'concatenation':
    case 'string':
    case 'translated_string': {
      if (n.type === 'word') {
        w.text += quoted ? unescapeDouble(n.text) : unescapeUnquoted(n.text, w);
        return;
      }
      // Literal text between children (tree-sitter does not always make a node of it).
      const inString = n.type === 'string' || n.type === 'translated_string';
      const src = n.text;
      const base = n.startIndex;
      let pos = inString ? src.indexOf('"') + 1 : 0;
      const end = inString ? src.length - 1 : src.length;
      for (const c of n.children) {
        if (!c || !c.isNamed) continue;
        const s = c.startIndex - base;
        if (s > pos) gap(src.slice(pos, s), inString || quoted, w);
        part(c, env, w, inString || quoted);
        pos = c.endIndex - base;
      }
      if (end > pos) gap(src.slice(pos, end), inString || quoted, w);
      return;
    }
    case 'string_content':
      w.text += unescapeDouble(n.text);
      return;
    case 'raw_string':
      w.text += n.text.slice(1, -1);
      return;
    case 'ansi_c_string':
      w.text += decodeAnsiC(n.text.slice(2, -1));
      return;
    case 'number':
    case 'special_variable_name':
    case 'variable_name':
      w.text += n.text;
      return;
    case 'simple_expansion':
    case 'expansion':
      expansion(n, env, w, quoted);
      return;
    case 'command_substitution': {
      w.dynamic = true;
      const out = env.substituteAt(n);
      w.text += out ?? n.text;
      return;
    }
    case 'process_substitution':
      w.dynamic = true;
      env.substituteAt(n);
      w.text += '/dev/fd/63';
      return;
    case 'arithmetic_expansion':
      w.dynamic = true;
      w.text += n.text;
      sub(n, env);
      return;
    case 'brace_expression':
      w.dynamic = true;
      w.text += n.text;
      return;
    default:
      // Anything else (extglob, ERROR fragments, ...): keep the text, flag it.
      w.dynamic = true;
      w.text += n.text;
      sub(n, env);
  }
}

function gap(text: string, quoted: boolean, w: Word): void {
  // Quote characters of nested strings are part of the gap text in concatenations; drop bare quotes.
  w.text += quoted ? unescapeDouble(text) : unescapeUnquoted(text, w);
}

/**
 * Bash brace expansion of one unquoted static word: `{cat,/etc/passwd}` becomes
 * two words, `r{m,}` becomes `rm r`. Bounded; returns undefined when there is nothing to expand.
 */
export function braceExpand(word: string, limit = 64): string[] | undefined {
  const open = findBrace(word);
  if (!open) return undefined;
  const [start, end, alts] = open;
  const pre = word.slice(0, start);
  const post = word.slice(end + 1);
  const out: string[] = [];
  for (const a of alts) {
    const rest = braceExpand(pre + a + post, limit);
    for (const r of rest ?? [pre + a + post]) {
      if (out.length >= limit) return out;
      out.push(r);
    }
  }
  return out;
}

function findBrace(s: string): [number, number, string[]] | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '{' || (i > 0 && s[i - 1] === '$')) continue;
    let depth = 0;
    const alts: string[] = [];
    let last = i + 1;
    for (let j = i; j < s.length; j++) {
      const c = s[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          alts.push(s.slice(last, j));
          if (alts.length > 1) return [i, j, alts];
          break;
        }
      } else if (c === ',' && depth === 1) {
        alts.push(s.slice(last, j));
        last = j + 1;
      }
    }
  }
  return undefined;
}
