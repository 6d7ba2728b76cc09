// The `mcp:` policy section: how MCP tools become semantic actions (tool
// mappings), what happens when a tool's contract changes after it was pinned
// (rug pull) or when a description looks poisoned, and the gateway's bounds.
// The gateway reads it from the active policy at each use, so a reload applies.
//
//   mcp:
//     tools:
//       - { server: filesystem, tool: write_file, kind: file.write, args: { path: path, content: content } }
//       - { server: shell, tool: run, kind: shell, args: { command: cmd } }
//     contracts: { onChange: withhold, onNew: ask, onPoison: withhold, approvalTimeout: 10m }
//     responses: { scan: true }
//     limits: { maxMessageBytes: 4194304, callTimeout: 60s, maxPending: 1000 }

import { z } from 'zod';
import { registerSection, getSection } from '../../policy/sections.ts';
import { DurationSchema, durationMs } from '../../policy/schema.ts';

/** Kinds a tool can be lifted to; `mcp` itself is the unmapped default. */
export const MAPPABLE_KINDS = ['tool', 'shell', 'file.read', 'file.write', 'file.delete', 'http', 'sql', 'message'] as const;

const Name = z.string().min(1).max(256);
/** Dot path into the tool's arguments (`path`, `options.url`), or `=literal` for a constant. */
const ArgSource = z.string().min(1).max(256);

const MappingSchema = z.strictObject({
  /** Server name as configured (stdio: --name; gateway: the upstream's key); `*` for any. */
  server: Name,
  /** Tool name as the server lists it; `*` for any tool of the server. */
  tool: Name,
  kind: z.enum(MAPPABLE_KINDS),
  /** Action args to fill: target name -> source path in the tool's arguments. */
  args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), ArgSource).optional(),
});

const ChangeEffect = z.enum(['withhold', 'allow', 'ask']);

const ContractsSchema = z.strictObject({
  /** A pinned tool whose contract changed (rug pull). */
  onChange: ChangeEffect.optional(),
  /** A tool that appears after the server's tools were first pinned. */
  onNew: ChangeEffect.optional(),
  /** A tool whose description looks poisoned (hidden instructions, invisible characters, ...). */
  onPoison: z.enum(['withhold', 'warn', 'ask']).optional(),
  /** How long an `ask` for a contract waits for a human. */
  approvalTimeout: DurationSchema.optional(),
});

const LimitsSchema = z.strictObject({
  maxMessageBytes: z.number().int().min(1024).max(256 * 1024 * 1024).optional(),
  callTimeout: DurationSchema.optional(),
  maxPending: z.number().int().min(1).max(100_000).optional(),
});

export const McpSectionSchema = z.strictObject({
  tools: z.array(MappingSchema).max(10_000).optional(),
  contracts: ContractsSchema.optional(),
  responses: z.strictObject({ scan: z.boolean().optional() }).optional(),
  limits: LimitsSchema.optional(),
});

export type McpSection = z.infer<typeof McpSectionSchema>;
export type ToolMapping = z.infer<typeof MappingSchema>;

/** The section with every default filled in. */
export interface McpSettings {
  mappings: ToolMapping[];
  onChange: 'withhold' | 'allow' | 'ask';
  onNew: 'withhold' | 'allow' | 'ask';
  onPoison: 'withhold' | 'warn' | 'ask';
  approvalTimeoutMs: number;
  scanResponses: boolean;
  maxMessageBytes: number;
  callTimeoutMs: number;
  maxPending: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function mcpSettings(section: unknown): McpSettings {
  const s = (section ?? {}) as McpSection;
  return {
    mappings: s.tools ?? [],
    onChange: s.contracts?.onChange ?? 'withhold',
    onNew: s.contracts?.onNew ?? 'withhold',
    onPoison: s.contracts?.onPoison ?? 'withhold',
    approvalTimeoutMs: s.contracts?.approvalTimeout !== undefined ? durationMs(s.contracts.approvalTimeout) : 10 * 60_000,
    scanResponses: s.responses?.scan ?? true,
    maxMessageBytes: s.limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    callTimeoutMs: s.limits?.callTimeout !== undefined ? durationMs(s.limits.callTimeout) : 60_000,
    maxPending: s.limits?.maxPending ?? 1000,
  };
}

/** Files of one bundle: mappings add up (earlier files first), later settings override. */
function merge(a: McpSection, b: McpSection): McpSection {
  return {
    tools: [...(a.tools ?? []), ...(b.tools ?? [])],
    contracts: { ...a.contracts, ...b.contracts },
    responses: { ...a.responses, ...b.responses },
    limits: { ...a.limits, ...b.limits },
  };
}

if (!getSection('mcp')) registerSection<McpSection>({ key: 'mcp', schema: McpSectionSchema, merge });
