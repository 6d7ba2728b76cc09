// The shell analyzer proper: walks a bash syntax tree and records every
// command that would run, recursing through wrappers (sudo, env, timeout,
// xargs, find -exec, ...), nested scripts (bash -c, eval, su -c, heredocs and
// here-strings fed to a shell), substitutions and pipelines. What cannot be
// resolved statically is recorded as a reason, never guessed away: a policy
// can deny or ask on `unresolved`. Analysis never throws; parse failures are
// facts (`unparseable`).

import type { BashParser } from './parser.ts';
import { parseSimple } from './simple.ts';
import { copyTree, SNode, type SyntaxNode as Node } from './tree.ts';
import type { ShellCommand, ShellFacts, UnresolvedReason } from './types.ts';
import { braceExpand, evalWord, type Word, type WordEnv } from './words.ts';
import { decodeAnsiC } from './ansi-c.ts';
import { assignmentGap, gapPieces, joinRuns, regroup } from './adjacent.ts';
import {
  COPIERS, DELETERS, DOWNLOADERS, FLAG_NAMES, GENERIC_FLAG_NAMES, HOST_POSITIONAL, INTERPRETERS, NETWORK, POSITIONAL_CODE,
  READERS, SHELLS, SHELL_STARTERS, VALUE_OPTS, WRAPPERS, WRITERS, isDecoder, readsCodeFromStdin, type PathAccess,
  INTERACTIVE_ESCAPES, REMOTE_TERMINALS, TEX_ENGINES, UNSAFE_MODE_FLAGS,
} from './programs.ts';

export interface ShellLimits {
  /** Longest command line parsed, in characters. */
  maxChars: number;
  /** Deepest nesting of scripts inside scripts (bash -c 'bash -c …'). */
  maxScriptDepth: number;
  /** Deepest syntax-tree nesting walked. */
  maxNodeDepth: number;
  /** Most commands recorded. */
  maxCommands: number;
  /** Parse plain lines (words, quotes, pipes, &&, ||, ;, simple redirects) without tree-sitter. */
  fastPath: boolean;
}

export const DEFAULT_SHELL_LIMITS: ShellLimits = { maxChars: 256 * 1024, maxScriptDepth: 8, maxNodeDepth: 256, maxCommands: 2000, fastPath: true };

export function emptyFacts(present: boolean): ShellFacts {
  return {
    present, commands: [], programs: [], paths: [], hosts: [], unparseable: false, unresolved: false, reasons: [],
    codeExecution: false, spawnsShell: false, pipeToShell: false, downloadExec: false, devTcp: false, network: false,
    background: false, substitution: false,
  };
}

/** Analyzes one command line. Never throws. */
export function analyzeShell(text: string, parser: BashParser, limits: ShellLimits = DEFAULT_SHELL_LIMITS): ShellFacts {
  const w = new Walker(parser, limits);
  try {
    w.script(text, [], 0);
  } catch (e) {
    // A bug or an exhausted stack must not become an allow.
    w.reason(e instanceof RangeError ? 'too-deep' : 'parse-error', true);
  }
  return w.finish();
}

const basename = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i === -1 ? p : p.slice(i + 1);
};

/** A piped stage's stdin: where it came from, for pipe-into-shell detection. */
interface Stdin {
  /** Static text when the upstream is a plain echo/printf (or a here-string/heredoc). */
  text?: string;
  download: boolean;
  decoded: boolean;
}

type Redirect = { op: string; target: Word; fd?: string };

/** Stdin provided by a heredoc or here-string, and the rest of the line tree-sitter nests inside a heredoc node. */
interface Fed extends Stdin {
  rest?: Node[];
}

/** String.prototype.isWellFormed (Node 20; not in the ES2022 lib types): one native scan for lone surrogates. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class Walker implements WordEnv {
  readonly f: ShellFacts = emptyFacts(true);
  private readonly reasons = new Set<UnresolvedReason>();
  private readonly vars = new Map<string, string>();
  private readonly programs = new Set<string>();
  private stopped = false;

  constructor(
    private readonly parser: BashParser,
    private readonly limits: ShellLimits,
  ) {}

  reason(r: UnresolvedReason, unparseable = false): void {
    this.reasons.add(r);
    if (unparseable) this.f.unparseable = true;
  }

  finish(): ShellFacts {
    const seen = new Set<string>();
    this.f.paths = this.f.paths.filter((p) => {
      const k = `${p.access}\u0000${p.raw}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    // curl -o x.sh …; bash x.sh — a downloaded file executed in the same line is a download exec.
    if (this.f.commands.some((c) => DOWNLOADERS.has(c.name))) {
      const fetched = new Set([
        ...this.f.paths.filter((p) => p.by === 'redirect' && p.access === 'write').map((p) => p.raw),
        ...this.f.commands.filter((c) => DOWNLOADERS.has(c.name)).flatMap((c) => c.argv.slice(1).map((a) => a.replace(/^-[A-Za-z]|^--[\w-]+=/, ''))),
      ].map((p) => p.replace(/^\.\//, '')));
      const run = [...this.f.paths.filter((p) => p.access === 'exec').map((p) => p.raw), ...this.f.commands.filter((c) => c.program.includes('/')).map((c) => c.program)];
      if (run.some((r) => fetched.has(r.replace(/^\.\//, '')))) {
        this.f.downloadExec = true;
        this.f.pipeToShell = true;
      }
    }
    // Order-independent facts: the same line gives the same facts whichever parser read it.
    this.f.paths.sort((a, b) => (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : a.access < b.access ? -1 : a.access > b.access ? 1 : 0));
    this.f.reasons = [...this.reasons];
    this.f.unresolved = this.reasons.size > 0;
    this.f.programs = [...this.programs];
    return this.f;
  }

  /** Parses and walks a script (the action's command, or text found inside it). */
  script(text: string, via: string[], depth: number, stdin?: Stdin): void {
    if (depth > this.limits.maxScriptDepth) return this.reason('too-deep', true);
    if (text.length > this.limits.maxChars) return this.reason('too-large', true);
    if (text.includes('\u0000')) {
      this.reason('nul-byte', true);
      text = text.replaceAll('\u0000', '');
    }
    if (!isWellFormed(text)) {
      this.reason('invalid-unicode', true);
      text = text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
    }
    const outer = this.source;
    this.source = text;
    try {
      this.parseAndWalk(text, via, depth, stdin);
    } finally {
      this.source = outer;
    }
  }

  /** Commands run inside process substitutions so far (their output may be read as a script). */
  private readonly procSubs: ShellCommand[] = [];

  private procStdin(): Stdin {
    return { download: this.procSubs.some((c) => DOWNLOADERS.has(c.name)), decoded: this.procSubs.some((c) => isDecoder(c.name, c.argv)) };
  }

  /** Text of the script being walked (tree indices point into it). */
  private source = '';
  /** Arguments tree-sitter attached to a pipeline's redirect, owed to its last command. */
  private extraFor: { node: Node; extra: Node[] } | undefined;

  private parseAndWalk(text: string, via: string[], depth: number, stdin?: Stdin): void {
    const simple = this.limits.fastPath ? parseSimple(text) : undefined;
    if (simple) {
      this.walk(simple, via, depth, 0, false, stdin);
      return;
    }
    const tree = this.parser.parse(text);
    if (!tree) return this.reason('too-large', true);
    let root: Node;
    try {
      const copy = copyTree(tree, text, this.limits.maxNodeDepth, this.parser.exports);
      if (copy.truncated) this.reason('too-deep', true);
      root = copy.root;
    } finally {
      tree.delete();
    }
    if (root.hasError) this.reason('parse-error', true);
    this.walk(root, via, depth, 0, false, stdin);
  }

  /** Generic walk: statements, lists, loops, functions, subshells. */
  private walk(n: Node, via: string[], depth: number, nd: number, bg: boolean, stdin?: Stdin): ShellCommand[] {
    if (this.stopped) return [];
    if (nd > this.limits.maxNodeDepth) {
      this.reason('too-deep', true);
      this.stopped = true;
      return [];
    }
    switch (n.type) {
      case 'command':
        return this.command(n, [], via, depth, nd, bg, stdin);
      case 'redirected_statement':
        return this.redirected(n, via, depth, nd, bg, stdin);
      case 'pipeline':
        return this.pipeline(n, via, depth, nd, bg);
      case 'variable_assignment': {
        // A statement of one assignment may still hold a command (`X=\  rm …`, see adjacent.ts): read it as a command.
        if (assignmentGap(n)) {
          return this.command(new SNode(this.source, 'command', n.startIndex, n.endIndex).add(n as SNode), [], via, depth, nd, bg, stdin);
        }
        this.assignment(n, depth, nd, true);
        return [];
      }
      case 'comment':
        return [];
      case 'file_redirect':
      case 'herestring_redirect': {
        // $(</path/file) reads the file; a bare redirect elsewhere creates or truncates one.
        const rs: Redirect[] = [];
        this.redirect(n, rs, via, depth, nd);
        this.applyRedirects(rs);
        return [];
      }
      case 'ERROR':
        this.reason('parse-error', true);
        break;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(n, via, depth, nd);
        return [];
      case 'command_substitution':
      case 'process_substitution':
        this.substitute(n, via, depth, nd);
        return [];
      case 'function_definition':
      case 'subshell':
      case 'compound_statement':
        break;
    }
    if (n.isMissing) this.reason('parse-error', true);
    const out: ShellCommand[] = [];
    const kids = n.children;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i];
      if (!c) continue;
      if (!c.isNamed) {
        if (c.type === '&' ) this.markBackground(out);
        continue;
      }
      // `a & b`: the `&` token follows the backgrounded statement.
      const next = kids[i + 1];
      const background = bg || next?.type === '&';
      if (c.type === 'command' || c.type === 'redirected_statement' || c.type === 'pipeline' || c.type === 'subshell' || c.type === 'compound_statement' || c.type === 'list' || c.type === 'negated_command') {
        out.push(...this.walk(c, via, depth, nd + 1, background, stdin));
      } else {
        this.walk(c, via, depth, nd + 1, background, stdin);
      }
    }
    return out;
  }

  private markBackground(cmds: ShellCommand[]): void {
    if (cmds.length === 0) return;
    this.f.background = true;
  }

  private declaration(n: Node, via: string[], depth: number, nd: number): void {
    // export/declare/local/readonly/unset: assignments whose values may hold substitutions.
    for (const c of regroup(n, this.source)) {
      if (c.type === 'variable_assignment') this.assignment(c, depth, nd, true);
      else this.words([c], via, depth, nd);
    }
  }

  private assignment(n: Node, depth: number, nd: number, statement: boolean): { name: string; value: Word | undefined } {
    const name = n.childForFieldName('name')?.text ?? '';
    const valueNode = n.childForFieldName('value');
    const value = valueNode ? this.word(valueNode, [], depth, nd) : undefined;
    if (statement && value && !value.dynamic && /^[A-Za-z_]\w*$/.test(name)) this.vars.set(name, value.text);
    return { name, value };
  }

  // Word evaluation calls back into the walker (WordEnv); `at` holds the walk position of the current word.
  // Methods, not closures per walker: a closure per analysis is an allocation (and a defineProperty under tsx).
  private at: { via: string[]; depth: number; nd: number } = { via: [], depth: 0, nd: 0 };

  substituteAt(node: Node): string | undefined {
    const saved = this.at;
    try {
      return this.substitute(node, saved.via, saved.depth, saved.nd);
    } finally {
      this.at = saved;
    }
  }

  variable(name: string): string | undefined {
    return this.vars.get(name);
  }

  private word(n: Node, via: string[], depth: number, nd: number): Word {
    const saved = this.at;
    this.at = { via, depth, nd };
    try {
      return evalWord(n, this);
    } finally {
      this.at = saved;
    }
  }

  private words(nodes: Node[], via: string[], depth: number, nd: number): Word[] {
    return nodes.map((n) => this.word(n, via, depth, nd));
  }

  /** Analyzes a $(…), `…` or <(…): its commands run too. Returns its output when that is statically known. */
  substitute(n: Node, via: string[], depth: number, nd: number): string | undefined {
    this.f.substitution = true;
    const cmds: ShellCommand[] = [];
    for (const c of n.namedChildren) if (c) cmds.push(...this.walk(c, [...via, n.type === 'process_substitution' ? '<()' : '$()'], depth, nd + 1, false));
    // bash <(curl …): a process substitution read as a script is code from its commands' output.
    if (n.type === 'process_substitution') this.procSubs.push(...cmds);
    // $(echo rm) and $(printf rm): the output is known.
    if (cmds.length === 1) {
      const c = cmds[0]!;
      if ((c.name === 'echo' || c.name === 'printf') && !c.dynamicArgs) return printed(c);
    }
    return undefined;
  }

  private redirected(n: Node, via: string[], depth: number, nd: number, bg: boolean, stdin?: Stdin): ShellCommand[] {
    const body = n.childForFieldName('body');
    const redirects: Redirect[] = [];
    let heredoc: Fed | undefined;
    const extra: Node[] = [];
    let prev = body?.endIndex;
    for (const r of n.childrenForFieldName('redirect')) {
      if (!r) continue;
      // `echo \  >x`: escaped characters between the body and a redirect are words of the command.
      // (Only past the body: the fast path's body spans the words around its redirects.)
      if (prev !== undefined && body && prev >= body.endIndex && prev < r.startIndex) extra.push(...(gapPieces(this.source, prev, r.startIndex, true, true) ?? []));
      prev = r.endIndex;
      const h = this.redirect(r, redirects, via, depth, nd, extra);
      if (h) heredoc = h;
    }
    // `a && b > f` binds the redirect to b: apply it after the body when the body is a list or pipeline.
    if (!body || body.type === 'command') this.applyRedirects(redirects);
    if (!body) return [];
    const fed = heredoc ? { text: heredoc.text, download: false, decoded: false } : stdin;
    if (body.type !== 'command' && extra.length > 0) {
      // `a | b < f x`, `a || b > f x`: the words after the redirect belong to the last command.
      let last: Node | null | undefined = body;
      while (last && (last.type === 'pipeline' || last.type === 'list')) last = last.namedChildren[last.namedChildren.length - 1];
      if (last?.type === 'command') this.extraFor = { node: last, extra };
    }
    const cmds = body.type === 'command' ? this.command(body, redirects, via, depth, nd + 1, bg, fed, extra) : this.walk(body, via, depth, nd + 1, bg, fed);
    if (body.type !== 'command') this.applyRedirects(redirects);
    return this.continuation(heredoc, cmds, via, depth, nd, bg);
  }

  /** `cat <<EOF | sh`: tree-sitter nests `| sh` inside the heredoc node; the heredoc-fed command is its first stage. */
  private continuation(heredoc: Fed | undefined, cmds: ShellCommand[], via: string[], depth: number, nd: number, bg: boolean): ShellCommand[] {
    if (!heredoc?.rest) return cmds;
    const out = [...cmds];
    const last = cmds[cmds.length - 1];
    const passesThrough = last !== undefined && (last.name === 'cat' || last.name === 'tee') && last.positionals.length === 0;
    for (const r of heredoc.rest) {
      if (r.type === 'pipeline') {
        const stages = r.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        out.push(...this.stages(stages, via, depth, nd + 1, bg, { cmds, ...(passesThrough ? { text: heredoc.text } : {}) }));
      } else out.push(...this.walk(r, via, depth, nd + 1, bg));
    }
    return out;
  }

  /** Records one redirect; returns the stdin it provides when it is a heredoc or here-string. */
  private redirect(r: Node, out: Redirect[], via: string[], depth: number, nd: number, extra?: Node[]): Fed | undefined {
    if (r.type === 'heredoc_redirect') {
      let body = '';
      const rest: Node[] = [];
      for (const c of r.namedChildren) {
        if (!c) continue;
        if (c.type === 'heredoc_start' || c.type === 'heredoc_end' || c.type === 'heredoc_content') continue;
        if (c.type === 'heredoc_body') {
          body = c.text;
          // Unquoted heredocs expand substitutions when the heredoc is read.
          for (const s of c.namedChildren) if (s && (s.type === 'command_substitution' || s.type === 'expansion')) this.word(s, via, depth, nd);
        } else if (c.type === 'file_redirect') this.redirect(c, out, via, depth, nd);
        else rest.push(c);
      }
      return { text: body, download: false, decoded: false, ...(rest.length ? { rest } : {}) };
    }
    if (r.type === 'herestring_redirect') {
      const target = joinRuns(r.namedChildren.filter((c): c is Node => c !== null && c.type !== 'file_descriptor'), this.source)[0];
      if (!target) return undefined;
      const w = this.word(target, via, depth, nd);
      return w.dynamic ? { download: false, decoded: false } : { text: w.text, download: false, decoded: false };
    }
    // Adjacent destinations are one word (`> $A/$` + `B/x`); only pieces after a blank are other words.
    const raw = r.childrenForFieldName('destination').filter((d): d is Node => d !== null);
    // The operator's end: an escaped blank after it (`> \\ x`) starts the target.
    const op0 = r.children.filter((c) => c && !c.isNamed && raw[0] && c.endIndex <= raw[0].startIndex).pop();
    const dests = joinRuns(raw, this.source, op0?.endIndex);
    const dest = dests[0] ?? r.namedChildren.find((c) => c && c.type !== 'file_descriptor');
    if (!dest) return undefined;
    // tree-sitter-bash attaches the words after a redirect target (`cpio < a -idv`) to the redirect; they are arguments.
    // A bare number there is the descriptor of the next redirect (`2>&$X 0>&$X` parses as `… $X 0` then `>&$X`).
    if (extra) for (const d of dests.slice(1)) if (!(d.type === 'number' && /^[<>]/.test(this.source.slice(d.endIndex, d.endIndex + 1)))) extra.push(d);
    const fd = r.childForFieldName('descriptor')?.text;
    const op = r.text.slice(fd ? fd.length : 0, dest.startIndex - r.startIndex).trim();
    out.push({ op, target: this.word(dest, via, depth, nd), ...(fd ? { fd } : {}) });
    return undefined;
  }

  private applyRedirects(redirects: Redirect[]): void {
    for (const r of redirects) {
      const t = r.target.text;
      // >&2, 2>&1, <&0: descriptor duplication, not a file.
      if ((r.op === '>&' || r.op === '<&' || r.op === '&>' || r.op === '>&-') && /^(\d+|-)$/.test(t)) continue;
      if (/^\d+$/.test(t) && (r.op.endsWith('&'))) continue;
      const access: PathAccess = r.op.includes('>') ? 'write' : 'read';
      this.path(t, access, 'redirect');
    }
  }

  private pipeline(n: Node, via: string[], depth: number, nd: number, bg: boolean): ShellCommand[] {
    const stages = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    return this.stages(stages, via, depth, nd, bg);
  }

  /** Pipeline stages; `first` is an already-walked first stage (a heredoc-fed command whose pipe continues inside the heredoc node). */
  private stages(stages: Node[], via: string[], depth: number, nd: number, bg: boolean, first?: { cmds: ShellCommand[]; text?: string }): ShellCommand[] {
    const all: ShellCommand[] = [];
    let upstream: ShellCommand[] = first?.cmds ?? [];
    let upText: string | undefined = first?.text;
    let upDynamic = first ? first.text === undefined : false;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const piped = first !== undefined || i > 0;
      const stdin: Stdin | undefined = !piped
        ? undefined
        : {
            download: upstream.some((c) => DOWNLOADERS.has(c.name)),
            decoded: upstream.some((c) => isDecoder(c.name, c.argv)),
            ...(upText !== undefined && !upDynamic ? { text: upText } : {}),
          };
      const cmds = this.walk(stage, via, depth, nd + 1, bg, stdin);
      all.push(...cmds);
      // Text piped into an ordinary program: file lists (echo /etc/x | cpio -o) and programs (echo 'esyscmd(/bin/sh)' | m4).
      const target = cmds[0];
      if (stdin?.text !== undefined && target && !readsCodeFromStdin(target.name)) this.fedText(stdin.text, target);
      // What this stage would print, when it is a static echo/printf.
      const only = cmds.length === 1 ? cmds[0]! : undefined;
      upText = only && (only.name === 'echo' || only.name === 'printf') ? printed(only) : undefined;
      upDynamic = only ? only.dynamicArgs || isDecoder(only.name, only.argv) : true;
      upstream = [...upstream, ...cmds];
    }
    return all;
  }

  /** A simple command: assignments, name, arguments, redirects. */
  private command(n: Node, outer: Redirect[], via: string[], depth: number, nd: number, bg: boolean, stdin?: Stdin, extraArgs: Node[] = []): ShellCommand[] {
    const argNodes: Node[] = [];
    const redirects: Redirect[] = [...outer];
    const assigns: Array<{ name: string; value: Word | undefined }> = [];
    let heredoc: Fed | undefined;
    for (const c of regroup(n, this.source)) {
      switch (c.type) {
        case 'variable_assignment':
          assigns.push(this.assignment(c, depth, nd, false));
          break;
        case 'file_redirect':
        case 'heredoc_redirect':
        case 'herestring_redirect': {
          const h = this.redirect(c, redirects, via, depth, nd, argNodes);
          if (h) heredoc = h;
          break;
        }
        case 'subshell':
        case 'compound_statement':
          // `eval('ls')`, `system('id')`: tree-sitter-bash takes a subshell as an argument; bash rejects the line.
          this.reason('parse-error', true);
          argNodes.push(c);
          break;
        default:
          argNodes.push(c);
      }
    }
    const own = argNodes.length;
    argNodes.push(...extraArgs);
    if (this.extraFor && this.extraFor.node.startIndex === n.startIndex && this.extraFor.node.endIndex === n.endIndex) {
      argNodes.push(...this.extraFor.extra);
      this.extraFor = undefined;
    }
    // Words tree-sitter put elsewhere (after a redirect target) may still be glued to each other or to the last word.
    if (argNodes.length > own && argNodes.length > 1) argNodes.splice(0, argNodes.length, ...joinRuns(argNodes, this.source));
    if (outer.length === 0) this.applyRedirects(redirects);
    else this.applyRedirects(redirects.slice(outer.length));
    for (const r of redirects) if (r.op === '<' && !r.target.dynamic) stdin ??= { download: false, decoded: false };
    const words = this.words(argNodes, via, depth, nd);
    // Assignment values can smuggle commands: LESSOPEN='/bin/sh …' less, VISUAL=…, PAGER=…
    for (const a of assigns) if (a.value) this.scanEmbedded(a.value.text, a.name);
    if (words.length === 0) {
      for (const a of assigns) if (a.value && !a.value.dynamic && /^[A-Za-z_]\w*$/.test(a.name)) this.vars.set(a.name, a.value.text);
      return [];
    }
    const argv = expandWords(words);
    const dyn = argv.map((x) => x.dynamic);
    const fed = heredoc ? { text: heredoc.text, download: false, decoded: false } : stdin;
    const cmd = this.run(argv.map((x) => x.text), dyn, words[0]!, via, depth, nd, bg, fed);
    const input = heredoc ?? stdin;
    if (cmd && input?.text !== undefined && !readsCodeFromStdin(cmd.name)) this.fedText(input.text, cmd);
    // echo '{"scripts":{"x":"/bin/sh"}}' >package.json: a dropped file that runs a shell later.
    if (cmd && (cmd.name === 'echo' || cmd.name === 'printf') && redirects.some((r) => r.op.includes('>') && !/^\d+$/.test(r.target.text)) && mentionsShell(cmd.argv.slice(1).join(' '))) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    }
    return this.continuation(heredoc, cmd ? [cmd] : [], via, depth, nd, bg);
  }

  /**
   * Records a command given its argv and unwraps wrappers. Returns the innermost
   * command (the one whose stdin a pipeline feeds).
   */
  private run(argv: string[], dyn: boolean[], first: Word | undefined, via: string[], depth: number, nd: number, bg: boolean, stdin?: Stdin): ShellCommand | undefined {
    let innermost: ShellCommand | undefined;
    let chain = via;
    let nameWord = first;
    for (let guard = 0; guard < 32 && argv.length > 0; guard++) {
      if (this.f.commands.length >= this.limits.maxCommands) {
        this.reason('too-many-commands');
        this.stopped = true;
        return innermost;
      }
      const program = argv[0]!;
      const name = basename(program);
      const dynamicName = dyn[0] === true || (nameWord !== undefined && (nameWord.dynamic || nameWord.glob));
      if (dynamicName) this.reason('dynamic-command-name');
      if (nameWord?.glob || (!dyn[0] && /[*?[]/.test(program) && nameWord === undefined)) this.reason('glob-command-name');
      if (nameWord?.fields) this.reason('ifs-expansion');
      const cmd = this.record(program, name, argv, dyn, chain, dynamicName, bg);
      innermost = cmd;
      const next = this.unwrap(cmd, dyn, chain, depth, nd, stdin);
      if (!next) break;
      argv = next.argv;
      dyn = next.dyn;
      chain = [...chain, next.via];
      nameWord = undefined;
      if (next.dyn[0]) this.reason('dynamic-command-name');
    }
    return innermost;
  }

  /** Directory changed by cd/pushd earlier in the line (relative to the action's cwd when relative). */
  private dir: string | undefined;

  private changeDir(argv: string[], dyn: boolean[]): void {
    const args = argv.slice(1).filter((a) => a !== '-P' && a !== '-L' && a !== '-e' && a !== '--');
    const target = args[0];
    const next = target === undefined ? '~' : target === '-' || dyn.slice(1).some(Boolean) ? '$OLDPWD' : target;
    this.dir = this.dir !== undefined && !/^(\/|~|\$)/.test(next) ? `${this.dir}/${next}` : next;
  }

  private record(program: string, name: string, argv: string[], dyn: boolean[], via: string[], dynamicName: boolean, bg: boolean): ShellCommand {
    if (name === 'cd' || name === 'pushd') this.changeDir(argv, dyn);
    const { flags, positionals } = parseFlags(name, argv);
    const cmd: ShellCommand = {
      program, name, argv, flags, positionals,
      subcommand: positionals.length > 1 ? [positionals[0]!, `${positionals[0]} ${positionals[1]}`] : positionals.slice(0, 1),
      via, dynamicName, dynamicArgs: dyn.slice(1).some(Boolean), codeExecution: false, spawnsShell: false, background: bg,
    };
    if (bg) this.f.background = true;
    // A program run by path is a file executed: /path/x outside the system directories is worth a look.
    if (program.includes('/') && !dynamicName) {
      this.path(program, 'exec', name);
      if (namesShell(name.replace(/\.[^.]*$/, ''))) cmd.spawnsShell = this.f.spawnsShell = true;
    }
    // `tool shell` subcommands (ansible-test shell, poetry shell, ...) start an interactive shell.
    if (cmd.positionals[0] === 'shell' && !SHELLS.has(name)) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    }
    this.f.commands.push(cmd);
    this.programs.add(name);
    this.touches(cmd);
    return cmd;
  }

  /** Paths and hosts a command touches, and shell references hidden in its arguments. */
  private touches(cmd: ShellCommand): void {
    const { name, positionals } = cmd;
    // Wrappers and shells: what they run is recorded (and scanned) as its own command.
    if (SHELLS.has(name) || WRAPPERS.has(name) || name === 'eval') return;
    let argv = cmd.argv;
    if (name === 'find') {
      // Only the roots are paths; the expression is handled by findExec.
      const e = argv.findIndex((a, i) => i > 0 && (a.startsWith('-') || a === '!' || a === '('));
      if (e !== -1) argv = argv.slice(0, e);
    }
    if (NETWORK.has(name) && !(name === 'git' && !GIT_NETWORK.has(positionals[0] ?? ''))) this.f.network ||= DOWNLOADERS.has(name) || HOST_POSITIONAL.has(name);
    const access = accessOf(name, cmd);
    const lastPos = positionals[positionals.length - 1];
    const quiet = name === 'echo' || name === 'printf' || name === ':' || name === 'true';
    let hostTaken = false;
    // grep PATTERN FILE, sed SCRIPT FILE, jq FILTER FILE: the first operand is not a file (unless -e/-f gave it).
    const pattern = PATTERN_FIRST.has(name) && !cmd.flags.some((f) => f === '-e' || f === '-f' || f === '--expression' || f === '--regexp' || f === '--file') ? positionals[0] : undefined;
    let patternSeen = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (pattern !== undefined && !patternSeen && a === pattern) {
        patternSeen = true;
        // sed and awk programs write files themselves (sed 'w /path', awk '{print > "/path"}').
        if (name !== 'grep' && name !== 'egrep' && name !== 'fgrep' && name !== 'zgrep' && name !== 'rg' && name !== 'ag' && name !== 'ack' && name !== 'look') {
          for (const p of embeddedPaths(a)) this.path(p, 'touch', name);
        }
        continue;
      }
      const isPositional = positionals.includes(a) && !a.startsWith('-');
      // key=value and --opt=value carry paths and URLs too (dd of=…, --output=…).
      const eq = a.indexOf('=');
      const value = eq > 0 && /^-{0,2}[A-Za-z][\w.-]*$/.test(a.slice(0, eq)) ? a.slice(eq + 1) : a;
      const url = urlOf(value);
      if (url) {
        // Object-store and registry URIs (s3://bucket, gs://bucket, docker://image) name resources, not hosts.
        if (!RESOURCE_SCHEMES.has(url.scheme)) this.host(url.host, name, url.port, url.scheme, value);
        if (url.scheme === 'file') this.path(url.path, 'read', name);
        continue;
      }
      if (isPositional && NETWORK.has(name)) {
        const remote = remoteSpec(a);
        if (remote) {
          this.host(remote, name);
          continue;
        }
        if (!hostTaken && HOST_POSITIONAL.has(name) && looksLikeHost(a) && a !== positionals.find((p) => /^\d+$/.test(p))) {
          hostTaken = true;
          this.host(a.replace(/^[^@]*@/, ''), name);
          continue;
        }
        if ((name === 'curl' || name === 'wget') && looksLikeHost(a.split('/')[0]!)) {
          const u = urlOf(`http://${a}`);
          if (u) this.host(u.host, name, u.port, undefined, a);
          continue;
        }
      }
      if (name === 'socat') for (const h of socatHosts(a)) this.host(h.host, name, h.port);
      if (value.startsWith('/dev/tcp/') || value.startsWith('/dev/udp/')) {
        this.devTcp(value, name);
        continue;
      }
      if (quiet) continue;
      // curl -d @file, -F field=@file, --data-binary @file: the file is read and sent.
      // @file is also a response file for gcc, as, readelf, javac, ... (its content becomes arguments).
      if (value.startsWith('@') && value.length > 1 && (isPathLike(value.slice(1)) || name === 'curl' || name === 'http' || name === 'xh' || name === 'wget')) {
        this.path(value.slice(1), 'read', name);
        continue;
      }
      // File programs (cat, cp, rm, tee, ...) take plain file names too.
      const fileArg = isPositional && (access !== 'touch' || COPIERS.has(name)) && a === value && isFileName(value);
      if (isPathLike(value) || fileArg) {
        let acc: PathAccess = access;
        if (COPIERS.has(name) && a !== value) acc = 'touch';
        else if (COPIERS.has(name)) acc = a === lastPos ? 'write' : name === 'mv' ? 'delete' : 'read';
        else if (name === 'dd') acc = a.startsWith('of=') ? 'write' : a.startsWith('if=') ? 'read' : 'touch';
        else if (!isPositional && a === value) acc = 'touch';
        this.path(value, acc, name);
      } else {
        // Paths inside a larger argument: vim -c ':redir! >/path', LESSOPEN='cat /etc/x'.
        for (const p of embeddedPaths(value)) this.path(p, 'touch', name);
      }
      if (!quiet) this.scanEmbedded(a, name, cmd);
    }
  }

  /** A shell named inside an argument (exec=/bin/sh, ';sh 0<&2', system("/bin/sh")) means a shell is spawned. */
  private scanEmbedded(text: string, by: string, cmd?: ShellCommand): void {
    if (mentionsShell(text)) {
      this.f.spawnsShell = true;
      if (cmd) cmd.spawnsShell = true;
    }
    if (cmd === undefined) {
      for (const p of embeddedPaths(text)) this.path(p, 'touch', by);
      const u = urlOf(text);
      if (u) this.host(u.host, by, u.port, u.scheme, text);
    }
    if (text.includes('/dev/tcp/') || text.includes('/dev/udp/')) {
      const m = /\/dev\/(?:tcp|udp)\/[^\s'"`;|&<>)]+/.exec(text);
      if (m) this.devTcp(m[0], by);
    }
  }

  /** Static text a program reads on stdin (pipe, heredoc, here-string): the paths it names and any shell it invokes. */
  private fedText(text: string, cmd: ShellCommand): void {
    for (const p of embeddedPaths(text)) this.path(p, 'touch', cmd.name);
    if (mentionsShell(text)) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    }
  }

  private devTcp(p: string, by: string): void {
    this.f.devTcp = true;
    this.f.network = true;
    const [, , , host, port] = p.split('/');
    if (host) this.host(host, by, port && /^\d+$/.test(port) ? Number(port) : undefined);
  }

  private path(raw: string, access: PathAccess, by: string): void {
    if (raw === '' || raw === '-' || this.f.paths.length > 4096) return;
    // After `cd /etc`, `cat shadow` reads /etc/shadow.
    if (this.dir !== undefined && !/^(\/|~|\$HOME|\$\{HOME\})/.test(raw)) raw = `${this.dir}/${raw}`;
    if (raw.startsWith('/dev/tcp/') || raw.startsWith('/dev/udp/')) return this.devTcp(raw, by);
    if (raw === '/dev/null' || raw === '/dev/stdout' || raw === '/dev/stderr' || raw === '/dev/stdin' || raw.startsWith('/dev/fd/')) return;
    this.f.paths.push({ raw, access, by });
  }

  private host(host: string, by: string, port?: number, scheme?: string, url?: string): void {
    if (!host || this.f.hosts.length > 1024) return;
    this.f.network = true;
    this.f.hosts.push({ host, by, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}), ...(url ? { url } : {}) });
  }

  /** Shells, interpreters and wrappers: records what they run, returns the wrapped command to record next. */
  private unwrap(cmd: ShellCommand, dyn: boolean[], via: string[], depth: number, nd: number, stdin?: Stdin): { argv: string[]; dyn: boolean[]; via: string } | undefined {
    const { name, argv } = cmd;
    if (SHELLS.has(name) || (name === 'busybox' && argv[1] !== undefined && SHELLS.has(argv[1]))) {
      const args = name === 'busybox' ? argv.slice(1) : argv;
      this.shell(cmd, args, dyn, via, depth, stdin);
      return undefined;
    }
    if (name === 'eval') {
      if (dyn.slice(1).some(Boolean)) this.reason('dynamic-eval');
      cmd.codeExecution = true;
      this.script(argv.slice(1).join(' '), [...via, 'eval'], depth + 1);
      return undefined;
    }
    if ((name === 'source' || name === '.') && argv[1]) {
      if (argv[1].startsWith('/dev/fd/')) this.pipedCode(this.procStdin(), cmd, via, depth);
      else this.path(argv[1], 'exec', name);
      return undefined;
    }
    if (name === 'alias') {
      for (const a of argv.slice(1)) {
        const eq = a.indexOf('=');
        if (eq > 0) this.script(a.slice(eq + 1), [...via, 'alias'], depth + 1);
      }
      return undefined;
    }
    if (INTERPRETERS.has(name) || /^python\d(\.\d+)?$/.test(name)) {
      this.interpreter(cmd, stdin);
      return undefined;
    }
    if ((name === 'at' || name === 'batch') && stdin) {
      this.pipedCode(stdin, cmd, via, depth);
      return undefined;
    }
    if (name === 'sed' && sedExecutes(cmd)) cmd.codeExecution = this.f.codeExecution = true;
    this.escapes(cmd);
    if (JVM_LAUNCHERS.has(name)) this.jvm(cmd);
    if (name === 'find') return this.findExec(cmd, dyn, via, depth, nd);
    if (name === 'tar') this.tarCommands(cmd, via, depth);
    const spec = WRAPPERS.get(name);
    if (!spec) return undefined;
    return this.wrapper(cmd, spec, dyn, via, depth);
  }

  /**
   * The Java launcher runs compiled code the line does not show: a main class
   * looked up on the class path (`java Shell` runs ./Shell.class; `-cp a:b`
   * names the directories and jars searched), a jar's main class
   * (`-jar app.jar`), a module's (`-m mod/pkg.Main`) or a source file
   * (`java Shell.java`). The files it loads are recorded as executed, and an
   * entry point named for a shell starts one (see namesShell).
   */
  private jvm(cmd: ShellCommand): void {
    const a = cmd.argv;
    let classPath: string[] = ['.'];
    let entry: string | undefined;
    let kind: 'class' | 'jar' | 'module' | 'source' = 'class';
    for (let i = 1; i < a.length; i++) {
      const w = a[i]!;
      const eq = w.startsWith('--') ? w.indexOf('=') : -1;
      const opt = eq === -1 ? w : w.slice(0, eq);
      const value = eq === -1 ? a[i + 1] : w.slice(eq + 1);
      if (opt === '-cp' || opt === '-classpath' || opt === '--class-path') {
        classPath = (value ?? '').split(':').filter((x) => x !== '');
        if (eq === -1) i++;
        continue;
      }
      if (opt === '-jar' || opt === '-m' || opt === '--module') {
        entry = value;
        kind = opt === '-jar' ? 'jar' : 'module';
        break;
      }
      if (VALUE_OPTS.get('java')?.has(opt)) {
        if (eq === -1) i++;
        continue;
      }
      if (w.startsWith('-')) continue;
      entry = w;
      kind = w.endsWith('.java') ? 'source' : 'class';
      break;
    }
    if (entry === undefined || entry === '') return;
    if (kind === 'jar' || kind === 'source') this.path(entry, 'exec', cmd.name);
    else if (kind === 'class') {
      const file = `${entry.replace(/\./g, '/')}.class`;
      for (const dir of classPath) {
        if (dir.includes('*')) continue;
        this.path(/\.(jar|zip)$/i.test(dir) ? dir : dir === '.' ? file : `${dir.replace(/\/+$/, '')}/${file}`, 'exec', cmd.name);
      }
    }
    const simple = kind === 'class' || kind === 'module' ? entry.slice(Math.max(entry.lastIndexOf('.'), entry.lastIndexOf('/')) + 1) : basename(entry).replace(/\.[^.]*$/, '');
    if (namesShell(simple)) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    }
  }

  /** Programs that can run commands the line does not show: interactive escapes, unsafe modes, inline TeX, shared terminals. */
  private escapes(cmd: ShellCommand): void {
    const { name, argv } = cmd;
    const spawns = (): void => {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    };
    const quiet = INTERACTIVE_ESCAPES.get(name);
    if (quiet) {
      const batch = argv.some((a, i) => i > 0 && (a === '--help' || a === '-h' || a === '--version' || a === '-V' || quiet.includes(a) || quiet.some((q) => q.startsWith('--') && a.startsWith(`${q}=`))));
      if (!batch) spawns();
    }
    const unsafe = UNSAFE_MODE_FLAGS.get(name);
    if (unsafe && argv.some((a) => unsafe.includes(a))) spawns();
    if (TEX_ENGINES.has(name) && cmd.positionals.some((p) => p.startsWith('\\') || p.startsWith('&'))) {
      cmd.codeExecution = true;
      this.f.codeExecution = true;
      for (const p of cmd.positionals) if (mentionsShell(p) || p.includes('\\write18')) spawns();
    }
    if (REMOTE_TERMINALS.has(name)) {
      const sub = REMOTE_TERMINALS.get(name);
      if (sub === undefined || cmd.positionals[0] === sub) spawns();
    }
  }

  private shell(cmd: ShellCommand, args: string[], dyn: boolean[], via: string[], depth: number, stdin?: Stdin): void {
    let script: string | undefined;
    let scriptDynamic = false;
    let file: string | undefined;
    let interactive = false;
    let readsStdin = false;
    for (let i = 1; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        file = args[i + 1];
        break;
      }
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(a)) {
        script = args[i + 1] ?? '';
        scriptDynamic = dyn[i + 1 + (args === cmd.argv ? 0 : 1)] === true;
        break;
      }
      if (a === '-o' || a === '+o' || a === '-O' || a === '+O') {
        i++;
        continue;
      }
      if (/^[-+][A-Za-z]+$/.test(a)) {
        if (a.includes('i')) interactive = true;
        if (a.includes('s')) readsStdin = true;
        continue;
      }
      if (a.startsWith('--')) continue;
      file = a;
      break;
    }
    if (script !== undefined) {
      if (scriptDynamic) this.reason('dynamic-shell-script');
      this.script(script, [...via, `${cmd.name} -c`], depth + 1);
      return;
    }
    if (file !== undefined && file.startsWith('/dev/fd/')) {
      this.pipedCode(this.procStdin(), cmd, via, depth);
      return;
    }
    if (file !== undefined) {
      this.path(file, 'exec', cmd.name);
      return;
    }
    if (stdin) {
      this.pipedCode(stdin, cmd, via, depth);
      if (!interactive) return;
    }
    readsStdin = readsStdin || !stdin;
    cmd.spawnsShell = true;
    this.f.spawnsShell = true;
  }

  /** Code arriving on stdin of a shell or interpreter. */
  private pipedCode(stdin: Stdin, cmd: ShellCommand, via: string[], depth: number): void {
    this.f.pipeToShell = true;
    cmd.codeExecution = true;
    this.f.codeExecution ||= !SHELLS.has(cmd.name);
    if (stdin.download) {
      this.f.downloadExec = true;
      this.f.network = true;
    }
    if (stdin.decoded) this.reason('decoded-payload-to-shell');
    if (stdin.text !== undefined && (SHELLS.has(cmd.name) || cmd.name === 'at' || cmd.name === 'batch')) this.script(stdin.text, [...via, `| ${cmd.name}`], depth + 1);
    else if (stdin.text === undefined && !stdin.download && !stdin.decoded) this.reason('stdin-to-shell');
    else if (stdin.text === undefined) this.reason('stdin-to-shell');
  }

  private interpreter(cmd: ShellCommand, stdin?: Stdin): void {
    const codeFlags = INTERPRETERS.get(cmd.name) ?? ['-c'];
    const args = cmd.argv;
    let code: string | undefined;
    for (let i = 1; i < args.length; i++) {
      const a = args[i]!;
      const attached = codeFlags.find((f) => f.length === 2 && a.startsWith(f) && a.length > 2 && f.startsWith('-') && !a.startsWith('--'));
      if (codeFlags.includes(a)) {
        code = args[i + 1] ?? '';
        break;
      }
      // python -Bc 'code', perl -we 'code', perl -e'code'
      if (/^-[A-Za-z]+$/.test(a) && codeFlags.some((f) => f.length === 2 && a.endsWith(f[1]!))) {
        code = args[i + 1] ?? '';
        break;
      }
      if (attached) {
        code = a.slice(2);
        break;
      }
      if (!a.startsWith('-')) {
        if (POSITIONAL_CODE.has(cmd.name)) code = a;
        else if (a !== '-') {
          this.path(a, 'exec', cmd.name);
          if (namesShell(basename(a).replace(/\.[^.]*$/, ''))) cmd.spawnsShell = this.f.spawnsShell = true;
        }
        else if (stdin) this.pipedCode(stdin, cmd, cmd.via, 0);
        break;
      }
    }
    if (code === undefined && stdin && !args.slice(1).some((a) => !a.startsWith('-'))) {
      this.pipedCode(stdin, cmd, cmd.via, 0);
      return;
    }
    if (code === undefined) {
      // A bare interpreter is an interactive REPL: as good as a shell.
      if (args.length === 1 && !stdin) {
        cmd.codeExecution = true;
        this.f.codeExecution = true;
      }
      return;
    }
    cmd.codeExecution = true;
    this.f.codeExecution = true;
    if (mentionsShell(code) || /\b(system|exec|popen|spawn|execSync|spawnSync|pty\.spawn|subprocess|os\.exec\w*|Runtime\.getRuntime)\s*\(/.test(code) && mentionsShell(code, true)) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
    }
    for (const p of embeddedPaths(code)) this.path(p, 'touch', cmd.name);
    const u = urlOf(code);
    if (u) this.host(u.host, cmd.name, u.port, u.scheme);
    if (/\bsocket\b|\bfsockopen\b|\bTCPSocket\b|\bnet\.connect\b|\bnet\.Socket\b|\bIO::Socket/.test(code)) this.f.network = true;
  }

  private findExec(cmd: ShellCommand, dyn: boolean[], via: string[], depth: number, nd: number): undefined {
    const a = cmd.argv;
    let roots = true;
    const rootPaths: string[] = [];
    for (let i = 1; i < a.length; i++) {
      const w = a[i]!;
      if (w.startsWith('-') || w === '!' || w === '(' || w === ')') roots = false;
      if (roots) {
        rootPaths.push(w);
        continue;
      }
      if (w === '-delete') for (const r of rootPaths.length ? rootPaths : ['.']) this.path(r, 'delete', 'find');
      if (w === '-fprintf' || w === '-fprint' || w === '-fprint0' || w === '-fls') {
        if (a[i + 1]) this.path(a[i + 1]!, 'write', 'find');
      }
      if (w === '-exec' || w === '-execdir' || w === '-ok' || w === '-okdir') {
        let j = i + 1;
        while (j < a.length && a[j] !== ';' && a[j] !== '+') j++;
        const inner = a.slice(i + 1, j);
        if (inner.length > 0) {
          // {} is each file found: an argument known only at run time.
          this.run(inner, inner.map((x, k) => x.includes('{}') || dyn[i + 1 + k] === true), undefined, [...via, `find ${w}`], depth, nd, cmd.background);
        }
        i = j;
      }
    }
    return undefined;
  }

  /** tar runs commands given to --to-command, --checkpoint-action=exec=, -I/--use-compress-program, --rsh-command. */
  private tarCommands(cmd: ShellCommand, via: string[], depth: number): void {
    const a = cmd.argv;
    for (let i = 1; i < a.length; i++) {
      const w = a[i]!;
      const m = /^--(to-command|checkpoint-action|use-compress-program|rsh-command|info-script|new-volume-script)(?:=(.*))?$/.exec(w);
      const short = w === '-I' || w === '-F';
      if (!m && !short) continue;
      let v = m?.[2] ?? a[i + 1] ?? '';
      if (m?.[1] === 'checkpoint-action') {
        if (!v.startsWith('exec=')) continue;
        v = v.slice(5);
      }
      cmd.codeExecution = true;
      this.script(v, [...via, 'tar'], depth + 1);
    }
  }

  private wrapper(cmd: ShellCommand, spec: import('./programs.ts').WrapperSpec, dyn: boolean[], via: string[], depth: number): { argv: string[]; dyn: boolean[]; via: string } | undefined {
    const a = cmd.argv;
    let i = 1;
    let fixed = spec.fixed ?? 0;
    for (; i < a.length; i++) {
      const w = a[i]!;
      if (w === '--') {
        i++;
        break;
      }
      // env and sudo take VAR=value before the command (sudo X=1 rm …).
      if ((cmd.name === 'env' || cmd.name === 'sudo') && /^[A-Za-z_]\w*=/.test(w)) {
        this.scanEmbedded(w.slice(w.indexOf('=') + 1), cmd.name);
        continue;
      }
      if (w.startsWith('-') && w.length > 1) {
        const [opt, attached] = spec.opts.includes(w) ? [w, undefined] : w.startsWith('--') ? splitLong(w) : [w.slice(0, 2), w.length > 2 ? w.slice(2) : undefined];
        const letters = w.startsWith('--') ? [w.slice(1).split('=')[0]!] : w.slice(1).split('');
        if (spec.queryFlags && letters.some((l) => spec.queryFlags!.includes(l))) return undefined;
        if (spec.shellFlags && letters.some((l) => spec.shellFlags!.includes(l))) {
          cmd.spawnsShell = true;
          this.f.spawnsShell = true;
        }
        if (spec.scriptOpts?.includes(opt)) {
          const v = attached ?? a[++i] ?? '';
          if (dyn[i]) this.reason('dynamic-shell-script');
          this.script(v, [...via, `${cmd.name} ${opt}`], depth + 1);
          for (const rest of a.slice(i + 1)) if (!rest.startsWith('-') && isPathLike(rest)) this.path(rest, cmd.name === 'script' ? 'write' : 'touch', cmd.name);
          return undefined;
        }
        if (spec.opts.includes(opt) && attached === undefined) i++;
        continue;
      }
      if (cmd.name === 'busybox' || cmd.name === 'toybox') break;
      // A fixed positional (setarch ARCH, chroot DIR) is optional in some versions: a path there is the command.
      if (fixed > 0 && !(w.includes('/') && cmd.name !== 'chroot')) {
        fixed--;
        continue;
      }
      break;
    }
    // The wrapper's own options name files too (strace -o, rlwrap -l, xargs -a, script FILE).
    for (let k = 1; k < Math.min(i, a.length); k++) {
      const w = a[k]!;
      const v = w.startsWith('--') && w.includes('=') ? w.slice(w.indexOf('=') + 1) : w;
      if (!v.startsWith('-') && isPathLike(v)) this.path(v, 'touch', cmd.name);
    }
    if (SHELL_STARTERS.has(cmd.name) && i >= a.length) {
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
      return undefined;
    }
    if (spec.joinsScript && i < a.length) {
      if (dyn.slice(i).some(Boolean)) this.reason('dynamic-shell-script');
      this.script(a.slice(i).join(' '), [...via, `${cmd.name}`], depth + 1);
      return undefined;
    }
    if (cmd.name === 'su' || cmd.name === 'runuser' || cmd.name === 'script') {
      if (cmd.name === 'script' && i < a.length) this.path(a[i]!, 'write', 'script');
      // Without -c these start a login shell / a recorded shell.
      cmd.spawnsShell = true;
      this.f.spawnsShell = true;
      return undefined;
    }
    if (i >= a.length) {
      if (cmd.name === 'sudo' && cmd.spawnsShell) return undefined;
      if (cmd.name === 'xargs') return { argv: ['echo'], dyn: [false], via: 'xargs' };
      return undefined;
    }
    const inner = a.slice(i);
    const innerDyn = dyn.slice(i);
    if (cmd.name === 'xargs') {
      // xargs appends words read from stdin: unknown arguments.
      return { argv: inner, dyn: [...innerDyn, true].slice(0, inner.length).map((d, k) => d || k === inner.length - 1), via: 'xargs' };
    }
    return { argv: inner, dyn: innerDyn, via: cmd.name };
  }
}

/** What a static echo or printf prints (escapes decoded for printf and echo -e; %s filled with the arguments). */
function printed(c: ShellCommand): string {
  const args = c.argv.slice(1);
  if (c.name === 'printf') {
    const [fmt = '', ...rest] = args[0] === '--' ? args.slice(1) : args;
    let k = 0;
    return decodeAnsiC(fmt).replace(/%[-#0 +]*\d*(?:\.\d+)?([sdbc%])/g, (m, t: string) => (t === '%' ? '%' : t === 'b' ? decodeAnsiC(rest[k++] ?? '') : (rest[k++] ?? '')));
  }
  let i = 0;
  let escapes = false;
  while (i < args.length && /^-[neE]+$/.test(args[i]!)) {
    if (args[i]!.includes('e')) escapes = true;
    i++;
  }
  const text = args.slice(i).join(' ');
  return escapes ? decodeAnsiC(text) : text;
}

const RESOURCE_SCHEMES: ReadonlySet<string> = new Set(['s3', 's3a', 's3n', 'gs', 'gcs', 'az', 'abfs', 'abfss', 'wasb', 'wasbs', 'hdfs', 'docker', 'oci', 'docker-archive', 'containers-storage', 'npm', 'pkg', 'mailto', 'data', 'urn', 'arn', 'r2', 'b2', 'swift', 'cos', 'oss', 'minio', 'dbfs', 'hf']);

const PATTERN_FIRST: ReadonlySet<string> = new Set(['grep', 'egrep', 'fgrep', 'zgrep', 'rg', 'ag', 'ack', 'sed', 'gsed', 'jq', 'yq', 'awk', 'gawk', 'mawk', 'nawk', 'look']);

const GIT_NETWORK: ReadonlySet<string> = new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote', 'submodule', 'remote', 'archive', 'send-email', 'request-pull']);

function splitLong(w: string): [string, string | undefined] {
  const eq = w.indexOf('=');
  return eq === -1 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
}

/** Applies IFS field splitting and brace expansion the way the shell would, before argv is built. */
function expandWords(words: Word[]): Array<{ text: string; dynamic: boolean }> {
  const out: Array<{ text: string; dynamic: boolean }> = [];
  for (const w of words) {
    if (w.fields) for (const f of w.fields) out.push({ text: f, dynamic: true });
    else if (!w.dynamic && w.text.includes('{') && w.text.includes(',')) {
      const b = braceExpand(w.text);
      if (b) for (const x of b) out.push({ text: x, dynamic: false });
      else out.push({ text: w.text, dynamic: w.dynamic || w.glob });
    } else out.push({ text: w.text, dynamic: w.dynamic || w.glob });
  }
  return out;
}

/** Splits flags (any spelling) from positionals; knows which options take a value. */
/** Programs whose options are words with one dash (find -name, openssl -in): never split into letters. */
const SINGLE_DASH_LONG: ReadonlySet<string> = new Set(['find', 'openssl', 'java', 'terraform', 'ffmpeg', 'ffprobe', 'gcc', 'g++', 'clang', 'go', 'xdotool', 'convert', 'magick', 'qemu-system-x86_64', 'tofu']);

/** Canonical name of an option; GNU getopt accepts any unambiguous prefix of a long option (--rec for --recursive). */
function canonFlag(table: ReadonlyMap<string, string>, k: string): string | undefined {
  const direct = table.get(k);
  if (direct) return direct;
  if (k.length >= 3) {
    let found: string | undefined;
    for (const [key, v] of table) {
      if (key.length > 1 && key.startsWith(k)) {
        if (found !== undefined && found !== v) return undefined;
        found = v;
      }
    }
    return found;
  }
  return undefined;
}

export function parseFlags(name: string, argv: readonly string[]): { flags: string[]; positionals: string[] } {
  const single = SINGLE_DASH_LONG.has(name);
  const table = FLAG_NAMES.get(name) ?? GENERIC_FLAG_NAMES;
  const valueOpts = VALUE_OPTS.get(name);
  const flags = new Set<string>();
  const positionals: string[] = [];
  let endOfOpts = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (endOfOpts || a === '-' || !a.startsWith('-') || a.length === 1) {
      positionals.push(a);
      continue;
    }
    if (a === '--') {
      endOfOpts = true;
      continue;
    }
    if (a.startsWith('--')) {
      const [opt, attached] = splitLong(a);
      flags.add(opt);
      const c = canonFlag(table, opt.slice(2));
      if (c) flags.add(c);
      if (attached === undefined && valueOpts?.has(opt)) i++;
      continue;
    }
    // Single-dash words: a cluster of letters (-rf), or a long option with one dash (find -delete, -chdir).
    if (valueOpts?.has(a)) {
      flags.add(a);
      const c = canonFlag(table, a.slice(1));
      if (c) flags.add(c);
      i++;
      continue;
    }
    flags.add(a);
    if (a.length > 2) {
      const eq = a.indexOf('=');
      const whole = table.get(a.slice(1, eq === -1 ? undefined : eq));
      if (whole) flags.add(whole);
    }
    if (single) continue;
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      if (!/[A-Za-z0-9]/.test(letter)) break;
      flags.add(`-${letter}`);
      const c = table.get(letter);
      if (c) flags.add(c);
      if (valueOpts?.has(`-${letter}`)) {
        if (k === a.length - 1) i++;
        break;
      }
    }
  }
  return { flags: [...flags], positionals };
}

/** GNU sed's `e` command and the `e` flag of `s///e` run the pattern space as a shell command. */
function sedExecutes(cmd: ShellCommand): boolean {
  const scripts: string[] = [];
  const a = cmd.argv;
  for (let i = 1; i < a.length; i++) {
    if (a[i] === '-e' || a[i] === '--expression') scripts.push(a[++i] ?? '');
    else if (a[i]!.startsWith('--expression=')) scripts.push(a[i]!.slice(13));
  }
  if (scripts.length === 0 && cmd.positionals[0] !== undefined) scripts.push(cmd.positionals[0]);
  return scripts.some((sc) => /(^|[;\n{}]|\d|\$|\/)\s*e(\s|;|$)/.test(sc) || /(^|[;\n{])\s*s(.)(?:(?!\2).|\\.)*\2(?:(?!\2).|\\.)*\2[gpiImM0-9w]*e/.test(sc));
}

function accessOf(name: string, cmd: ShellCommand): PathAccess {
  if (DELETERS.has(name)) return 'delete';
  if (WRITERS.has(name)) return 'write';
  if (name === 'sed' && cmd.flags.includes('in-place')) return 'write';
  if (name === 'perl' && cmd.flags.some((f) => f.startsWith('-i'))) return 'write';
  if (READERS.has(name)) return 'read';
  return 'touch';
}

export interface UrlParts {
  scheme: string;
  host: string;
  port?: number;
  path: string;
}

/** A URL with an authority (scheme://…); hosts of opaque or malformed URLs are extracted leniently. */
export function urlOf(s: string): UrlParts | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]{0,15}):\/\/([^\s]*)$/.exec(s);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'file') {
    try {
      return { scheme, host: '', path: decodeURIComponent(new URL(s).pathname) };
    } catch {
      return { scheme, host: '', path: m[2]!.replace(/^[^/]*/, '') };
    }
  }
  try {
    const u = new URL(s);
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    return { scheme, host, ...(u.port ? { port: Number(u.port) } : {}), path: u.pathname };
  } catch {
    const auth = m[2]!.split(/[/?#]/, 1)[0]!.replace(/^.*@/, '');
    const host = auth.startsWith('[') ? auth.slice(1, auth.indexOf(']')) : auth.split(':')[0]!;
    return { scheme, host, path: '' };
  }
}

/** `[user@]host:path` (scp, rsync, git@github.com:org/repo). */
function remoteSpec(a: string): string | undefined {
  const m = /^(?:[^@/:\s]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)/.exec(a);
  if (!m || a.startsWith('/')) return undefined;
  const h = m[1]!;
  if (!h.includes('.') && !a.includes('@') && !h.startsWith('[') && h !== 'localhost') return undefined;
  return h.startsWith('[') ? h.slice(1, -1) : h;
}

function looksLikeHost(a: string): boolean {
  const h = a.replace(/^[^@]*@/, '');
  if (h.startsWith('-') || h.includes('/') || h === '') return false;
  return /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_][A-Za-z0-9_.-]*|[0-9a-fA-F:]+:[0-9a-fA-F:.]*)$/.test(h) && (h.includes('.') || h.includes(':') || /^\d+$/.test(h) || h === 'localhost' || /^0x/i.test(h) || /^[a-z][\w-]*$/i.test(h));
}

function socatHosts(a: string): Array<{ host: string; port?: number }> {
  const m = /^(?:TCP|TCP4|TCP6|UDP|UDP4|UDP6|OPENSSL|SSL|SCTP)[^:]*:([^:,]+):(\d+)/i.exec(a);
  if (!m || /LISTEN/i.test(a)) return [];
  return [{ host: m[1]!, port: Number(m[2]) }];
}

/** Looks like a path argument: absolute, home-relative, explicitly relative, or containing a slash. */
export function isPathLike(s: string): boolean {
  if (s === '.' || s === '..' || s === '~' || s === '*' || s === '.*' || s === '/') return true;
  const c = s[0];
  if (c === '/' || c === '~' || s.startsWith('./') || s.startsWith('../') || s.startsWith('$HOME') || s.startsWith('${HOME}')) return true;
  if (c === '-' || s.includes('://') || s.length > 4096) return false;
  // Program text (LaTeX, JSON, code) is not a path; paths inside it are found by embeddedPaths.
  if (/[{}\\()"'`;|<>]/.test(s) && !/^\$\(/.test(s)) return false;
  if (/^[^/]*:/.test(s) || /\s/.test(s)) return false;
  if (s.startsWith('.') && s.length > 1) return true;
  return s.includes('/');
}

/** A plain file name as a file program's operand (not program text, not a URL). */
function isFileName(s: string): boolean {
  return s.length > 0 && s.length <= 4096 && !/[\s{}\\()"'`;|<>]/.test(s) && !s.includes('://') && !s.startsWith('-');
}

const EMBEDDED_PATH = /(?:^|[\s'"`=:;|&<>(,!{[@])((?:~|\$HOME|\$\{HOME\})?\/[^\s'"`;|&<>(),!*]+|~(?=[\s'"`;|&<>),]|$))/g;

/** Absolute and home paths inside a larger string (program text, editor commands). */
export function embeddedPaths(s: string): string[] {
  if (!s.includes('/') && !s.includes('~')) return [];
  const out: string[] = [];
  for (const m of s.slice(0, 65536).matchAll(EMBEDDED_PATH)) {
    const p = m[1]!;
    if (p.startsWith('//') || /^\/\d+$/.test(p)) continue;
    out.push(p);
    if (out.length >= 64) break;
  }
  return out;
}

/** Launchers whose entry point is a class, jar, module or source file (see Walker.jvm). */
const JVM_LAUNCHERS: ReadonlySet<string> = new Set(['java', 'javaw']);

/**
 * Is an entry point (a main class without its package, a jar, script or
 * program file without its extension) named `shell` (any case: `Shell`,
 * `com.x.Shell`, `shell.jar`, `./shell`)? Like a `tool shell` subcommand, it is
 * taken to start a shell: what it runs was compiled or written elsewhere, so
 * its name is all a per-action analysis can read.
 */
export function namesShell(entry: string): boolean {
  return entry.length === 5 && entry.toLowerCase() === 'shell';
}

const SHELL_NAMES = [...SHELLS].join('|');
const SHELL_PATH = new RegExp(`/s?bin/(?:${SHELL_NAMES})(?![\\w.-])`);
const SHELL_CMD = new RegExp(`(?:^|[;&|('"\`!{=^]|\\bexec\\s+|\\bsystem\\s*\\(\\s*['"]?)\\s*(?:${SHELL_NAMES})(?:\\s|$|[;&|)'"\`$])`);

/** Does a string name a shell the way a command line would (a shell path, or a shell word in command position)? */
export function mentionsShell(s: string, loose = false): boolean {
  if (s.length > 65536) s = s.slice(0, 65536);
  if (SHELL_PATH.test(s)) return true;
  // A lone word (apt install zsh) names a package or a file, not a command line.
  if (SHELLS.has(s.trim())) return false;
  if (SHELL_CMD.test(s)) return true;
  if (loose) return new RegExp(`['"](?:${SHELL_NAMES})['"]`).test(s);
  return false;
}
