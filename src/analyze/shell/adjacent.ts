// Rebuilds words from byte adjacency. bash ends a word only at an unquoted
// blank or metacharacter, so any pieces with no byte between them are ONE
// argument after quote removal. tree-sitter-bash sometimes cuts a word in two
// (`$A/$B/x` becomes `$A/$` and `B/x`, `{}\;` becomes `{}` and `\;`,
// `X=$A/$B/x rm` makes `B/x` the command name and `rm` an argument), and it
// keeps `foo<(cmd)` apart. Trusting its grouping gives a wrong argv, and a
// wrong argv lets `X=$A/$B/x rm -rf /` past an rm rule. So the walker joins
// pieces by their start/end offsets instead of by the node grouping: adjacent
// word pieces become one synthetic concatenation, a piece glued to an
// assignment extends its value, and one glued to a redirect extends its
// target. A `$` left dangling at a cut (`…/$` + `B/x`) is rebuilt as the
// expansion `$B` it was.

import { SNode, type SyntaxNode as Node } from './tree.ts';

const REDIRECTS: ReadonlySet<string> = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
/** Nodes that are no part of a word even when glued to one (a subshell as an argument, `eval('ls')`, is a bash syntax error). */
const NOT_WORD: ReadonlySet<string> = new Set([...REDIRECTS, 'variable_assignment', 'comment', 'ERROR', 'file_descriptor', 'subshell', 'compound_statement']);

const isWordPiece = (n: Node): boolean => !NOT_WORD.has(n.type);
/** Containers whose children are the pieces of one word. */
const isContainer = (n: Node): boolean => n.type === 'concatenation' || n.type === 'command_name';
/** What a `$` cut off from its name is followed by: a name, or one digit (positional). */
const DANGLING_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9])/;

/** One word of several adjacent pieces (nodes given in source order, each ending where the next starts). */
export function joinPieces(pieces: Node[], src: string): Node {
  if (pieces.length === 1) return pieces[0]!;
  const flat: Node[] = [];
  const flatten = (p: Node) => {
    if (isContainer(p)) for (const c of p.children) c && flatten(c);
    else flat.push(p);
  };
  for (const p of pieces) flatten(p);
  const cat = new SNode(src, 'concatenation', pieces[0]!.startIndex, pieces[pieces.length - 1]!.endIndex);
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]!;
    const next = flat[i + 1];
    if (!c.isNamed && c.text === '$' && next?.type === 'word' && next.startIndex === c.endIndex) {
      const m = DANGLING_NAME.exec(next.text);
      if (m) {
        const end = c.endIndex + m[0].length;
        cat.add(new SNode(src, 'simple_expansion', c.startIndex, end));
        if (end < next.endIndex) cat.add(new SNode(src, 'word', end, next.endIndex));
        i++;
        continue;
      }
    }
    cat.add(c as SNode);
  }
  return cat;
}

/**
 * Text tree-sitter-bash leaves out of every named node: `\ ` after a quote
 * or an expansion (`'g'\ x`, `$A\ b`, a word starting with `\ `), line
 * continuations (`r\<newline>m` is `rm` to bash, `r` and `m` to
 * tree-sitter), and argument text it reads as an operator token (`==`, `=~`
 * in `echo ==$A`). Scans the gaps between nodes (and before the first, from
 * `lead`, and after the last, to `trail`) and returns synthetic word nodes
 * for that text, so adjacency joins what bash joins: text is word text, a
 * continuation is nothing (not even a separator), an unescaped blank
 * separates. A gap holding shell syntax (operators, newlines, comments) is
 * left alone. Returns `nodes` itself when every gap is blank.
 */
function fillGaps(nodes: ReadonlyArray<Node>, src: string, lead?: number, trail?: number): ReadonlyArray<Node> {
  let out: Node[] | undefined;
  for (let i = 0; i <= nodes.length; i++) {
    const a = i > 0 ? nodes[i - 1]!.endIndex : lead;
    const b = i < nodes.length ? nodes[i]!.startIndex : trail;
    if (a !== undefined && b !== undefined && a < b && !blank(src, a, b)) {
      const pieces = gapPieces(src, a, b, i > 0, i < nodes.length);
      if (pieces) {
        out ??= nodes.slice(0, i);
        out.push(...pieces);
      }
    }
    if (i < nodes.length) out?.push(nodes[i]!);
  }
  return out ?? nodes;
}

function blank(src: string, a: number, b: number): boolean {
  for (let p = a; p < b; p++) {
    const c = src.charCodeAt(p);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Characters that make a gap shell syntax rather than word text. */
const SYNTAX = new Set([';', '|', '&', '<', '>', '(', ')', '\n', '#', '`', '"', "'"]);

/** The word text in the gap [a, b) as words; undefined when the gap holds shell syntax. */
export function gapPieces(src: string, a: number, b: number, hasPrev: boolean, hasNext: boolean): Node[] | undefined {
  const out: Node[] = [];
  let run = -1;
  let onlyContinuations = true;
  const close = (q: number) => {
    // A continuation between blanks is nothing; one touching a word glues it (`a\<nl>b` is `ab`).
    if (run >= 0 && (!onlyContinuations || (run === a && hasPrev) || (q === b && hasNext))) out.push(new SNode(src, 'word', run, q));
    run = -1;
    onlyContinuations = true;
  };
  for (let p = a; p < b; ) {
    const c = src[p]!;
    if (c === ' ' || c === '\t') {
      close(p);
      p++;
    } else if (c === '\\') {
      if (p + 1 >= b) return undefined;
      if (run < 0) run = p;
      if (src[p + 1] !== '\n') onlyContinuations = false;
      p += 2;
    } else if (SYNTAX.has(c) || c === '$') {
      return undefined;
    } else {
      if (run < 0) run = p;
      onlyContinuations = false;
      p++;
    }
  }
  close(b);
  return out;
}

/** Joins runs of adjacent word pieces in a list of nodes in source order; `lead` is where the first one's leading gap starts. */
export function joinRuns(nodes: ReadonlyArray<Node>, src: string, lead?: number): Node[] {
  const out: Node[] = [];
  let run: Node[] = [];
  const flush = () => {
    if (run.length) out.push(joinPieces(run, src));
    run = [];
  };
  for (const n of fillGaps(nodes, src, lead)) {
    const last = run[run.length - 1];
    if (last && isWordPiece(n) && last.endIndex === n.startIndex) run.push(n);
    else {
      flush();
      if (isWordPiece(n)) run.push(n);
      else out.push(n);
    }
  }
  flush();
  return out;
}

/**
 * The named children of a command (or declaration) regrouped as bash reads
 * them: adjacent word pieces joined, pieces glued to an assignment or a
 * redirect moved into its value or target.
 */
export function regroup(parent: Node, src: string): Node[] {
  let named = parent.namedChildren as ReadonlyArray<Node>;
  if (named.includes(null as unknown as Node)) named = named.filter((c) => c !== null);
  for (let i = 0; i < named.length; i++) {
    const split = named[i]!.type === 'variable_assignment' ? splitAssignment(named[i]!, src) : undefined;
    if (split) named = [...named.slice(0, i), ...split, ...named.slice(i + 1)];
  }
  const kids = fillGaps(named, src, parent.startIndex, parent.endIndex);
  let glued = false;
  for (let i = 1; i < kids.length; i++) {
    if (kids[i - 1]!.endIndex === kids[i]!.startIndex && isWordPiece(kids[i]!)) {
      glued = true;
      break;
    }
  }
  // The common case: nothing glued, nothing to rebuild.
  if (!glued) return kids as Node[];
  const out: Node[] = [];
  let i = 0;
  while (i < kids.length) {
    const head = kids[i]!;
    let j = i + 1;
    const tail: Node[] = [];
    while (j < kids.length && isWordPiece(kids[j]!) && kids[j]!.startIndex === (tail[tail.length - 1] ?? head).endIndex) tail.push(kids[j++]!);
    if (tail.length === 0) out.push(head);
    else if (head.type === 'variable_assignment') out.push(extendAssignment(head, tail, src));
    else if (REDIRECTS.has(head.type) && head.type !== 'heredoc_redirect') out.push(extendRedirect(head, tail, src));
    else if (isWordPiece(head)) out.push(joinPieces([head, ...tail], src));
    else out.push(head, joinPieces(tail, src));
    i = j;
  }
  return out;
}

/** Something lies between an assignment's `=` and its value node (`X=\  rm`): see splitAssignment. */
export function assignmentGap(a: Node): boolean {
  const value = a.childForFieldName('value');
  const eq = a.children.find((c) => c && !c.isNamed && c.type === '=');
  return value !== null && eq !== undefined && eq !== null && eq.endIndex < value.startIndex;
}

/**
 * `X=\  rm -rf /`: tree-sitter-bash drops the escaped blank after `=` and
 * takes the next word (`rm`) as the value, though bash saw a blank after the
 * escape. Returns the assignment with the value bash gives it, followed by the
 * words that are not part of it; undefined when nothing lies between `=` and
 * the value.
 */
function splitAssignment(a: Node, src: string): Node[] | undefined {
  if (!assignmentGap(a)) return undefined;
  const value = a.childForFieldName('value')!;
  const eq = a.children.find((c) => c && !c.isNamed && c.type === '=')!;
  const gap = gapPieces(src, eq.endIndex, value.startIndex, true, true);
  if (!gap) return undefined;
  const glued: Node[] = [];
  let end = eq.endIndex;
  for (const g of gap) {
    if (g.startIndex !== end) break;
    glued.push(g);
    end = g.endIndex;
  }
  const whole = end === value.startIndex;
  const out = new SNode(src, 'variable_assignment', a.startIndex, whole ? a.endIndex : end);
  const name = a.childForFieldName('name');
  for (const c of a.children) {
    if (!c || c === value) continue;
    out.add(c as SNode, c === name ? 'name' : undefined);
  }
  const rest = [...gap.slice(glued.length), value];
  if (whole) {
    // No blank at all: the escapes and the value are one word.
    out.add(joinPieces([...glued, value], src) as SNode, 'value');
    return [out];
  }
  if (glued.length) out.add(joinPieces(glued, src) as SNode, 'value');
  return [out, ...rest];
}

/** `X=$A/$` + `B/x`: the assignment whose value is the whole word. */
function extendAssignment(a: Node, tail: Node[], src: string): Node {
  const name = a.childForFieldName('name');
  const value = a.childForFieldName('value');
  const end = tail[tail.length - 1]!.endIndex;
  const out = new SNode(src, 'variable_assignment', a.startIndex, end);
  for (const c of a.children) {
    if (!c || c === value) continue;
    out.add(c as SNode, c === name ? 'name' : undefined);
  }
  out.add(joinPieces(value ? [value, ...tail] : tail, src) as SNode, 'value');
  return out;
}

/** `<<< $A/$` + `B/x`, `> a` + `"b"`: the redirect whose target is the whole word. */
function extendRedirect(r: Node, tail: Node[], src: string): Node {
  const out = new SNode(src, r.type, r.startIndex, tail[tail.length - 1]!.endIndex);
  const descriptor = r.childForFieldName('descriptor');
  const dests = new Set(r.childrenForFieldName('destination'));
  for (const c of r.children) {
    if (!c) continue;
    out.add(c as SNode, c === descriptor ? 'descriptor' : dests.has(c) ? 'destination' : undefined);
  }
  for (const t of tail) out.add(t as SNode, r.type === 'file_redirect' ? 'destination' : undefined);
  return out;
}
