// The syntax tree the shell analyzer walks: plain JavaScript nodes with the
// subset of tree-sitter's Node API the analyzer uses. tree-sitter's own Node
// objects cross into WebAssembly on every property read (type, text, isNamed
// cost about a microsecond each), so a parsed tree is copied once, with one
// cursor walk (through the cursor's WebAssembly exports directly where
// available, see copyTreeDirect), into these nodes; the fast path for plain
// lines builds them directly.

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
  /** Field names of a child, in the order they were given (tests and self-checks). */
  fieldsOf(child: SNode): string[] {
    return [...(this.fields ?? [])].filter(([, list]) => list.includes(child)).map(([f]) => f);
  }
}

/** Every property of a copied tree the analyzer reads, as one string (self-checks and tests compare copies with it). */
export function dumpTree(n: SNode): string {
  const flags = `${n.isNamed ? '' : '!'}${n.isMissing ? '?' : ''}${n.hasError ? 'E' : ''}`;
  return `(${n.type}${flags} ${n.startIndex}-${n.endIndex}${n.children.map((c) => ` ${n.fieldsOf(c).join(',')}:${dumpTree(c)}`).join('')})`;
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
export function copyTree(tree: Tree, src: string, maxDepth: number, wasm?: TreeExports): { root: SNode; truncated: boolean } {
  if (wasm) return copyTreeDirect(tree, src, maxDepth, wasm);
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

/**
 * The WebAssembly exports of web-tree-sitter's module that walk a tree with a
 * cursor. Each takes the tree's address and reads the cursor (or node) from
 * the module's transfer buffer; the goto functions write the moved cursor
 * back there. web-tree-sitter's TreeCursor copies its four words into the
 * buffer before every call and out after every move (about ten typed-array
 * writes and reads per property); calling the exports directly keeps the
 * cursor in the buffer for a whole walk, which is safe because nothing else
 * runs in between (no parse, no callback).
 */
export interface TreeExports {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const TREE_EXPORTS: ReadonlyArray<keyof TreeExports> = [
  '_ts_tree_root_node_wasm', '_ts_node_has_error_wasm', '_ts_tree_cursor_new_wasm', '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
];

/** The exports from web-tree-sitter's module object, when it has every one as a function. */
export function treeExports(module: Record<string, unknown>): TreeExports | undefined {
  for (const k of TREE_EXPORTS) if (typeof module[k] !== 'function') return undefined;
  return module as unknown as TreeExports;
}

/** copyTree through the WebAssembly exports directly: the same nodes, with the cursor kept in the transfer buffer. */
function copyTreeDirect(tree: Tree, src: string, maxDepth: number, w: TreeExports): { root: SNode; truncated: boolean } {
  const lang = tree.language;
  const types = lang.types;
  const fieldNames = lang.fields;
  const named = namedTable(lang);
  const t = (tree as unknown as { [0]: number })[0];
  // Root node into the buffer, then a cursor on it (the cursor replaces the node in the buffer).
  w._ts_tree_root_node_wasm(t);
  const hasError = w._ts_node_has_error_wasm(t) === 1;
  w._ts_tree_cursor_new_wasm(t);
  let truncated = false;
  try {
    let id = w._ts_tree_cursor_current_node_type_id_wasm(t);
    const root = new SNode(src, types[id] || 'ERROR', w._ts_tree_cursor_start_index_wasm(t), w._ts_tree_cursor_end_index_wasm(t), isNamed(lang, named, id));
    root.hasError = hasError;
    const stack: SNode[] = [root];
    if (w._ts_tree_cursor_goto_first_child_wasm(t) !== 1) return { root, truncated };
    for (;;) {
      const parent = stack[stack.length - 1]!;
      id = w._ts_tree_cursor_current_node_type_id_wasm(t);
      const node = new SNode(src, types[id] || 'ERROR', w._ts_tree_cursor_start_index_wasm(t), w._ts_tree_cursor_end_index_wasm(t), isNamed(lang, named, id));
      if (hasError && w._ts_tree_cursor_current_node_is_missing_wasm(t) === 1) node.isMissing = true;
      const field = w._ts_tree_cursor_current_field_id_wasm(t);
      parent.add(node, field ? (fieldNames[field] ?? undefined) : undefined);
      if (stack.length < maxDepth) {
        if (w._ts_tree_cursor_goto_first_child_wasm(t) === 1) {
          stack.push(node);
          continue;
        }
      } else if (w._ts_tree_cursor_goto_first_child_wasm(t) === 1) {
        // Too deep: note that children were cut, and step back.
        truncated = true;
        w._ts_tree_cursor_goto_parent_wasm(t);
      }
      while (w._ts_tree_cursor_goto_next_sibling_wasm(t) !== 1) {
        if (w._ts_tree_cursor_goto_parent_wasm(t) !== 1 || stack.length <= 1) return { root, truncated };
        stack.pop();
      }
    }
  } finally {
    // The buffer holds the cursor as last moved (its stack may have been reallocated): free that one.
    w._ts_tree_cursor_delete_wasm(t);
  }
}
