// The syntax tree the shell analyzer walks: plain JavaScript nodes with the
// subset of tree-sitter's Node API the analyzer uses. tree-sitter's own Node
// objects cross into WebAssembly on every property read (type, text, isNamed
// cost about a microsecond each), so a parsed tree is copied once, with one
// TreeCursor walk, into these nodes; the fast path for plain lines builds them
// directly.

import type { Tree, TreeCursor } from 'web-tree-sitter';

export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly children: ReadonlyArray<SyntaxNode | null>;
  readonly namedChildren: ReadonlyArray<SyntaxNode | null>;
  childForFieldName(name: string): SyntaxNode | null;
  childrenForFieldName(name: string): ReadonlyArray<SyntaxNode | null>;
}

export class SNode implements SyntaxNode {
  isMissing = false;
  hasError = false;
  readonly children: SNode[] = [];
  private named?: SNode[];
  private fields?: Map<string, SNode[]>;
  constructor(
    private readonly src: string,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed = true,
  ) {}
  get text(): string {
    return this.src.slice(this.startIndex, this.endIndex);
  }
  get namedChildren(): SNode[] {
    this.named ??= this.children.filter((c) => c.isNamed);
    return this.named;
  }
  add(child: SNode, field?: string): this {
    this.children.push(child);
    this.named = undefined;
    if (field) {
      this.fields ??= new Map();
      const list = this.fields.get(field);
      if (list) list.push(child);
      else this.fields.set(field, [child]);
    }
    return this;
  }
  childForFieldName(name: string): SNode | null {
    return this.fields?.get(name)?.[0] ?? null;
  }
  childrenForFieldName(name: string): SNode[] {
    return this.fields?.get(name) ?? [];
  }
}

/**
 * Copies a tree-sitter tree into SNodes. Iterative (a hostile line cannot
 * overflow the stack); subtrees deeper than `maxDepth` are cut and reported.
 */
export function copyTree(tree: Tree, src: string, maxDepth: number): { root: SNode; truncated: boolean } {
  const cursor: TreeCursor = tree.walk();
  let truncated = false;
  try {
    const root = new SNode(src, cursor.nodeType, cursor.startIndex, cursor.endIndex, cursor.nodeIsNamed);
    root.hasError = tree.rootNode.hasError;
    const stack: SNode[] = [root];
    if (!cursor.gotoFirstChild()) return { root, truncated };
    for (;;) {
      const parent = stack[stack.length - 1]!;
      const node = new SNode(src, cursor.nodeType, cursor.startIndex, cursor.endIndex, cursor.nodeIsNamed);
      if (cursor.nodeIsMissing) node.isMissing = true;
      parent.add(node, cursor.currentFieldName ?? undefined);
      if (stack.length < maxDepth && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      if (stack.length >= maxDepth && cursor.currentNode.childCount > 0) truncated = true;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || stack.length <= 1) return { root, truncated };
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
