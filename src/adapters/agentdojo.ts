// AgentDojo adapter: translates one AgentDojo run (a JSON line of messages and
// metadata, as published with the benchmark's results) into the sequence of
// events an enforcement point would see: the user's prompt (input), each tool
// call (an Action of kind 'tool'), each tool output (a response to scan).
// It only translates; deciding is the firewall's job (src/replay/).

import type { Action } from '../action.ts';

export type TraceEvent =
  | { type: 'input'; text: string; role: 'system' | 'user' }
  | { type: 'call'; action: Action; callId?: string }
  | { type: 'output'; text: string; tool: string; callId?: string; error?: string };

export interface AgentDojoRun {
  /** Line number in the file (1-based). */
  line: number;
  index?: number;
  suite: string;
  userTask?: string;
  /** null/undefined: a run without attack. */
  injectionTask?: string | null;
  attackType?: string | null;
  /** AgentDojo's `security` flag: for attacked runs, true means the attack SUCCEEDED. */
  security?: boolean;
  /** Utility: the user's task was solved. */
  success?: boolean;
  events: TraceEvent[];
}

interface Msg {
  role?: string;
  content?: unknown;
  tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: unknown } }> | null;
  tool_call_id?: string;
  tool_call?: { function?: string };
  error?: string | null;
}

/**
 * Markers of AgentDojo's published attack templates, by attack type: the
 * first tool output containing one is where the injection entered the run.
 * Used only to score replays (the "at or after the injection" rule), never by policies.
 */
export const ATTACK_MARKERS: Readonly<Record<string, readonly string[]>> = {
  important_instructions: ['<INFORMATION>'],
  important_instructions_no_user_name: ['<INFORMATION>'],
  important_instructions_no_model_name: ['<INFORMATION>'],
  important_instructions_no_names: ['<INFORMATION>'],
  important_instructions_wrong_model_name: ['<INFORMATION>'],
  important_instructions_wrong_user_name: ['<INFORMATION>'],
  tool_knowledge: ['<INFORMATION>'],
  ignore_previous: ['Ignore your previous iunstructions', 'Ignore your previous instructions'],
  system_message: ['###(system_message)'],
  injecagent: ['IMPORTANT!!! Ignore all previous instructions'],
  direct: ['TODO:'],
  dos: ['<INFORMATION>'],
  swearwords_dos: ['<INFORMATION>'],
  captcha_dos: ['<INFORMATION>'],
  offensive_email_dos: ['<INFORMATION>'],
  felony_dos: ['<INFORMATION>'],
};

const MAX_TEXT = 1024 * 1024;

function text(v: unknown): string {
  if (typeof v === 'string') return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : text(p))).join('\n');
  return JSON.stringify(v);
}

function argsOf(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      const parsed = JSON.parse(v) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      return { raw: v };
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Parses one JSON line; returns undefined for metadata-only lines (the file header). Throws with the line number on malformed runs. */
export function parseAgentDojoLine(raw: string, line: number): AgentDojoRun | undefined {
  let doc: { index?: number; messages?: Msg[]; metadata?: Record<string, unknown> };
  try {
    doc = JSON.parse(raw) as typeof doc;
  } catch (e) {
    throw new Error(`line ${line}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.messages)) {
    if (doc.metadata) return undefined;
    throw new Error(`line ${line}: expected an object with 'messages' and 'metadata'`);
  }
  const m = doc.metadata ?? {};
  const suite = typeof m.suite_name === 'string' ? m.suite_name : 'unknown';
  const session = `agentdojo:${line}`;
  const principal = { id: `agentdojo/${suite}` };
  const events: TraceEvent[] = [];
  for (const msg of doc.messages) {
    if (msg.role === 'system' || msg.role === 'user') {
      events.push({ type: 'input', text: text(msg.content), role: msg.role });
    } else if (msg.role === 'assistant') {
      for (const tc of msg.tool_calls ?? []) {
        const tool = tc.function?.name;
        if (typeof tool !== 'string' || tool === '') throw new Error(`line ${line}: a tool call without a function name`);
        events.push({ type: 'call', callId: tc.id, action: { kind: 'tool', tool, args: argsOf(tc.function?.arguments), session, principal } });
      }
    } else if (msg.role === 'tool') {
      events.push({ type: 'output', text: text(msg.content), tool: msg.tool_call?.function ?? 'unknown', callId: msg.tool_call_id, error: msg.error ?? undefined });
    }
  }
  return {
    line,
    index: doc.index,
    suite,
    userTask: typeof m.user_task_id === 'string' ? m.user_task_id : undefined,
    injectionTask: typeof m.injection_task_id === 'string' ? m.injection_task_id : null,
    attackType: typeof m.attack_type === 'string' ? m.attack_type : null,
    security: typeof m.security === 'boolean' ? m.security : undefined,
    success: typeof m.success === 'boolean' ? m.success : undefined,
    events,
  };
}

/** Index (in run.events) of the tool output where the injection entered, or -1 when no marker of the attack type is found. */
export function injectionPoint(run: AgentDojoRun): number {
  const markers = (run.attackType && ATTACK_MARKERS[run.attackType]) || [];
  for (let i = 0; i < run.events.length; i++) {
    const e = run.events[i]!;
    if (e.type === 'output' && markers.some((mk) => e.text.includes(mk))) return i;
  }
  return -1;
}
