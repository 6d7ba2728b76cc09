// Errors found while loading or compiling a policy. Each one names where it is
// (file:line:column when the policy came from text, the field path otherwise)
// and what was expected. Loading collects all of them before failing, so an
// author fixes a policy in one pass.

export type PolicyPath = ReadonlyArray<string | number>;

export interface PolicyIssue {
  message: string;
  /** Path inside the policy document, e.g. ['rules', 3, 'when', 'args.amount']. */
  path: PolicyPath;
  file?: string;
  line?: number;
  column?: number;
}

export function formatPath(path: PolicyPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out || '(root)';
}

export function formatIssue(i: PolicyIssue): string {
  const where = i.file
    ? `${i.file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''}`
    : '(policy)';
  return `${where}: ${formatPath(i.path)}: ${i.message}`;
}

/** Thrown by loadPolicy/compilePolicy; carries every issue found. */
export class PolicyError extends Error {
  readonly issues: PolicyIssue[];
  constructor(issues: PolicyIssue[]) {
    super(
      issues.length === 1
        ? `invalid policy: ${formatIssue(issues[0]!)}`
        : `invalid policy (${issues.length} problems):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

/** Internal: one issue raised during compilation, located later by the loader. */
export class CompileIssue extends Error {
  constructor(
    message: string,
    readonly path: PolicyPath,
  ) {
    super(message);
  }
}
