// Identity of an action for "remember for this session" and for joining an
// identical pending request: kind, tool and arguments (not context, which
// carries per-call noise such as timestamps), plus who asked and in which session.

import type { Action } from '../action.ts';
import { canonicalJson, sha256 } from '../audit/canonical.ts';

export function actionDigest(action: Action): string {
  return `sha256:${sha256(canonicalJson({ kind: action.kind, tool: action.tool, args: action.args ?? {}, principal: action.principal?.id, session: action.session }))}`;
}
