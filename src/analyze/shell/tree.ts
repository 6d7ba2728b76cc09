// The syntax tree the shell analyzer walks: plain JavaScript nodes with the
// subset of tree-sitter's Node API the analyzer uses. tree-sitter's own Node
// objects cross into WebAssembly on every property read (type, text, isNamed
// cost about a microsecond each), so a parsed tree is copied once, with one
// TreeCursor walk, into these nodes; the fast path for plain lines builds them
// directly.

import type { Language, Tree, TreeCursor } from 'web-tree-sitter';

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

/** Per language: which node type ids are named (one WebAssembly call per type, once). */
const namedByLanguage = new WeakMap<Language, Map<number, boolean>>();

function namedTable(lang: Language): Map<number, boolean> {
  let t = namedByLanguage.get(lang);
  if (!t) namedByLanguage.set(lang, (t = new Map()));
  return t;
}

function isNamed(lang: Language, named: Map<number, boolean>, id: number): boolean {
  let v = named.get(id);
  if (v === undefined) named.set(id, (v = lang.nodeTypeIsNamed(id)));
  return v;
}

/**
 * Copies a tree-sitter tree into SNodes. Iterative (a hostile line cannot
 * overflow the stack); subtrees deeper than `maxDepth` are cut and reported.
 * Every cursor property is a call into WebAssembly (with the cursor state
 * copied in and out), so the copy asks for as little as it can: the type id
 * (type name and namedness come from per-language tables), the two indices
 * and the field id; `isMissing` only when the tree has an error, since a
 * missing node always makes `hasError` true.
 */
export function copyTree(tree: Tree, src: string, maxDepth: number): { root: SNode; truncated: boolean } {
  const lang = tree.language;
  const types = lang.types;
  const fieldNames = lang.fields;
  const named = namedTable(lang);
  const hasError = tree.rootNode.hasError;
  const cursor: TreeCursor = tree.walk();
  let truncated = false;
  try {
    let id = cursor.nodeTypeId;
    const root = new SNode(src, types[id] || 'ERROR', cursor.startIndex, cursor.endIndex, isNamed(lang, named, id));
    root.hasError = hasError;
    const stack: SNode[] = [root];
    if (!cursor.gotoFirstChild()) return { root, truncated };
    for (;;) {
      const parent = stack[stack.length - 1]!;
      id = cursor.nodeTypeId;
      const node = new SNode(src, types[id] || 'ERROR', cursor.startIndex, cursor.endIndex, isNamed(lang, named, id));
      if (hasError && cursor.nodeIsMissing) node.isMissing = true;
      const field = cursor.currentFieldId;
      parent.add(node, field ? (fieldNames[field] ?? undefined) : undefined);
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
