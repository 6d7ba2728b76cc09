// Loads the bash grammar (tree-sitter-bash's WebAssembly build, shipped inside
// its npm package) into web-tree-sitter once per process. Loading is async;
// parsing is synchronous and bounded in time, so a hostile command cannot
// hang a decision.

import { createRequire } from 'node:module';
import { Parser, Language, type Tree } from 'web-tree-sitter';
import { copyTree, dumpTree, treeExports, type TreeExports } from './tree.ts';

let ready: Promise<BashParser> | undefined;

export interface BashParser {
  /** Parses `text`; returns undefined when parsing was cancelled (time budget exhausted). */
  parse(text: string): Tree | undefined;
  /** web-tree-sitter's WebAssembly exports for copying a tree without its TreeCursor wrapper (see tree.ts); undefined when unavailable. */
  readonly exports?: TreeExports;
}

/**
 * Parse time budget per string, in milliseconds: the parse is cancelled once
 * this much wall time has passed AND the process has since used this much more
 * CPU time. Wall time alone would cancel an ordinary line whenever a busy
 * machine descheduled the process mid-parse (and fail it closed for nothing);
 * CPU time bounds what a hostile line can cost.
 */
const PARSE_BUDGET_MS = 250;

export function loadBashParser(): Promise<BashParser> {
  ready ??= (async () => {
    // Emscripten makes the options object the module: its WebAssembly exports land on it.
    const module: Record<string, unknown> = {};
    await Parser.init(module);
    const require = createRequire(import.meta.url);
    const lang = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(lang);
    const bash: BashParser = {
      parse(text: string): Tree | undefined {
        const deadline = performance.now() + PARSE_BUDGET_MS;
        let cancelled = false;
        let cpuMark = -1;
        const progressCallback = (): boolean => {
          if (cancelled || performance.now() <= deadline) return cancelled;
          // Past the wall-time budget: from now on, count CPU time (a process.cpuUsage() call costs ~1 µs, so only here).
          const c = process.cpuUsage();
          const used = c.user + c.system;
          if (cpuMark < 0) cpuMark = used;
          else if (used - cpuMark > PARSE_BUDGET_MS * 1000) cancelled = true;
          return cancelled;
        };
        parser.reset();
        const tree = parser.parse(text, null, { progressCallback: progressCallback as unknown as () => void });
        if (!tree || cancelled) {
          tree?.delete();
          parser.reset();
          return undefined;
        }
        return tree;
      },
    };
    const exports = treeExports(module);
    return exports && directCopyAgrees(bash, exports) ? { parse: bash.parse, exports } : bash;
  })();
  return ready;
}

/**
 * The direct copy leans on web-tree-sitter internals (the module object and
 * its transfer-buffer convention): before using it, check that it copies a few
 * trees (errors, missing nodes, fields, nesting) exactly as TreeCursor does.
 */
function directCopyAgrees(bash: BashParser, exports: TreeExports): boolean {
  const samples = ['a "b $c" | d > e && f $(g <<< h) || { i; } &', 'if x; then for a in 1 2; do echo "$a"; done; fi', 'echo "unterminated', 'cat <<EOF\nx $(y)\nEOF\n', 'a ((', 'case $x in a) b;; esac', 'x=$((1+2)) y[1]=2 z'];
  try {
    for (const s of samples) {
      const tree = bash.parse(s);
      if (!tree) return false;
      try {
        for (const depth of [256, 3]) {
          const a = copyTree(tree, s, depth);
          const b = copyTree(tree, s, depth, exports);
          if (a.truncated !== b.truncated || dumpTree(a.root) !== dumpTree(b.root)) return false;
        }
      } finally {
        tree.delete();
      }
    }
    return true;
  } catch {
    return false;
  }
}
