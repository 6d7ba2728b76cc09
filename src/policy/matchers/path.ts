// `path:` condition: the files an action touches, normalized and resolved
// (see src/analyze/path). Path keys must hold on one path (match: any, the
// default) or on every path (match: all; use it in allow rules, so one
// harmless path cannot carry a harmful one).
//
//   path: { protected: true }                          # ssh/cloud keys, .env, shell rc, git hooks, agent config, AgentWall
//   path: { protected: [env, ssh], access: read }
//   path: { within: /tmp, glob: "*.tmp", match: all }
//   path: { workspace: false, access: [write, delete] }
//   path: { outside: [/tmp, ~/cache] }

import { Minimatch } from 'minimatch';
import { posix } from 'node:path';
import { registerMatcher, type CompileCtx, type Cond } from '../matcher.ts';
import { PROTECTED_CATEGORIES, resolveRoot, within, type PathFact, type PathFacts } from '../../analyze/path.ts';
import { bool, mapOf, quantifier, quantify, strings } from './fact-keys.ts';

const KEYS = ['within', 'outside', 'workspace', 'glob', 'access', 'protected', 'dynamic', 'by', 'unresolved', 'match'];
const ACCESS = ['read', 'write', 'delete', 'exec', 'touch'];

function roots(x: unknown, c: CompileCtx, key: string): string[] {
  return strings(x, c, key).map((r, i) => {
    if (!r.startsWith('/') && !r.startsWith('~') && !r.startsWith('$HOME')) c.error('expected an absolute path (or one starting with ~)', Array.isArray(x) ? [key, i] : [key]);
    return resolveRoot(r);
  });
}

function globTest(patterns: string[]): (p: PathFact, cwd: string) => boolean {
  const mms = patterns.map((g) => {
    const abs = g.startsWith('/') || g.startsWith('~');
    const base = !g.includes('/');
    const pattern = g.startsWith('~') ? resolveRoot('~') + g.slice(1) : g;
    return { mm: new Minimatch(pattern, { dot: true, matchBase: base }), abs, base };
  });
  return (p, cwd) => {
    for (const { mm, abs, base } of mms) {
      if (base) {
        if (mm.match(posix.basename(p.path)) || mm.match(posix.basename(p.lexical))) return true;
      } else if (abs) {
        if (mm.match(p.path) || mm.match(p.lexical)) return true;
      } else if (within(p.path, cwd) && mm.match(posix.relative(cwd, p.path))) return true;
    }
    return false;
  };
}

registerMatcher({
  key: 'path',
  summary: 'files an action touches: { within, outside, workspace, glob, access, protected, dynamic, by, unresolved, match: any|all }',
  compile(value: unknown, c: CompileCtx): Cond {
    const v = mapOf(value, c, 'path', KEYS);
    const q = quantifier(v, c);
    const tests: Array<(p: PathFact, cwd: string) => boolean> = [];
    const parts: string[] = [];
    if (v.within !== undefined) {
      const rs = roots(v.within, c, 'within');
      tests.push((p) => rs.some((r) => within(p.path, r)));
      parts.push(`within [${rs.join(', ')}]`);
    }
    if (v.outside !== undefined) {
      const rs = roots(v.outside, c, 'outside');
      tests.push((p) => !rs.some((r) => within(p.path, r)));
      parts.push(`outside [${rs.join(', ')}]`);
    }
    const ws = bool(v, 'workspace', c);
    if (ws !== undefined) {
      tests.push((p) => p.inWorkspace === ws);
      parts.push(ws ? 'inside the workspace' : 'outside the workspace');
    }
    if (v.glob !== undefined) {
      const g = strings(v.glob, c, 'glob');
      tests.push(globTest(g));
      parts.push(`glob [${g.join(', ')}]`);
    }
    if (v.access !== undefined) {
      const a = strings(v.access, c, 'access');
      a.forEach((x, i) => {
        if (!ACCESS.includes(x)) c.error(`expected one of ${ACCESS.join(', ')}`, Array.isArray(v.access) ? ['access', i] : ['access']);
      });
      tests.push((p) => a.includes(p.access));
      parts.push(`access in [${a.join(', ')}]`);
    }
    if (v.protected !== undefined) {
      if (typeof v.protected === 'boolean') {
        const want = v.protected;
        tests.push((p) => (p.protected.length > 0) === want);
        parts.push(want ? 'protected' : 'not protected');
      } else {
        const cats = strings(v.protected, c, 'protected');
        cats.forEach((x, i) => {
          if (!PROTECTED_CATEGORIES.includes(x)) c.error(`unknown protected category '${x}' (expected true, false or some of ${PROTECTED_CATEGORIES.join(', ')})`, Array.isArray(v.protected) ? ['protected', i] : ['protected']);
        });
        tests.push((p) => p.protected.some((x) => cats.includes(x)));
        parts.push(`protected [${cats.join(', ')}]`);
      }
    }
    const dyn = bool(v, 'dynamic', c);
    if (dyn !== undefined) {
      tests.push((p) => p.dynamic === dyn);
      parts.push(`dynamic ${dyn}`);
    }
    if (v.by !== undefined) {
      const t = c.operand(v.by, ['by'], { scalar: 'glob' });
      tests.push((p) => t(p.by));
      parts.push(`by ${t.describe}`);
    }
    const unresolved = bool(v, 'unresolved', c);
    if (unresolved !== undefined) parts.push(`unresolved ${unresolved}`);
    return {
      describe: `path ${parts.join(', ')}${q === 'all' ? ' (every path)' : ''}`,
      where: c.path,
      actual: (ctx) => ctx.facts.get<PathFacts>('path').paths.map((p) => `${p.access} ${p.path}${p.protected.length ? ` [${p.protected.join(',')}]` : ''}`),
      test(ctx) {
        const f = ctx.facts.get<PathFacts>('path');
        if (unresolved !== undefined && f.unresolved !== unresolved) return false;
        if (tests.length === 0) return unresolved !== undefined;
        return quantify(f.paths, q, (p) => tests.every((t) => t(p, f.cwd)));
      },
    };
  },
});
