// Top-level policy sections beyond rules and lists (e.g. `scan:` for the text
// scanners, `audit:` for the audit log). Each part of AgentWall that is
// configured from the policy registers a section with its own zod schema, so
// unknown keys are still rejected and errors still carry file:line:column.

import type { ZodType } from 'zod';

export interface SectionDef<T = unknown> {
  readonly key: string;
  readonly schema: ZodType<T>;
  /**
   * Combines the section from several files of one bundle, in file order.
   * Without merge, a section may appear in only one file of a bundle.
   */
  merge?(a: T, b: T): T;
}

const sections = new Map<string, SectionDef>();

export function registerSection<T>(def: SectionDef<T>): void {
  if (sections.has(def.key)) throw new Error(`policy section '${def.key}' registered twice`);
  sections.set(def.key, def as SectionDef);
}

export function getSection(key: string): SectionDef | undefined {
  return sections.get(key);
}

export function sectionKeys(): string[] {
  return [...sections.keys()].sort();
}
