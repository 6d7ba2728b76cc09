// Public API of the agentwall package.
export { createFirewall, Firewall, FirewallDenied, type FirewallOptions, type DecisionEvent, type DecisionListener, type Approver, type SessionProvider, type Describe } from './firewall.ts';
export type { Action, Decision, Effect, Principal, ActionKind, ApprovalRequirement } from './action.ts';
export { ACTION_KINDS, checkAction } from './action.ts';
export { loadPolicy, policySources, compilePolicy, decide, PolicyError, formatIssue, registerMatcher, registerSection, type PolicyInput, type CompiledPolicy, type CompiledRule, type PolicyIssue, type MatcherDef } from './policy/index.ts';
export { explain, type Explanation, type RuleExplanation } from './policy/explain.ts';
export type { Analyzer } from './analyze/facts.ts';
export { AuditLog, AuditWriteError, attachAudit, auditDecisions, verifyLog, queryRecords, exportRecords, redactAction, loadSigningKey, loadVerifyKey, KeyError, type AuditOptions, type Durability, type AuditInput, type AuditRecord, type AuditType, type AuditQuery, type VerifyReport, type VerifyProblem, type Redactor } from './audit/index.ts';
export { ApprovalQueue, QueueApprover, ApprovalError, type QueueOptions, type ApproverOptions, type WebhookOptions, type ApprovalRequest, type ApprovalAnswer, type ApprovalStatus } from './approval/index.ts';
export { openStore, resolveDataDir, StoreError, type Store, type StoreOptions } from './store/index.ts';
export { Scanner, CanaryKeeper, Redactor as ScanRedactor, builtinClassifier, LinearClassifier, type ScanOptions, type ScanSection, type ScanResult, type Finding, type ScanPoint, type ScanAction, type InjectionClassifier } from './scan/index.ts';
export { SessionTracker, MemorySessionStore, SqliteSessionStore, SessionStoreError, DEFAULT_LIMITS as DEFAULT_SESSION_LIMITS, type SessionStore, type SessionLimits, type TrackerOptions, type IngestOptions, type Anomaly } from './session/index.ts';
export { resolveAndCheck, type ResolvedCheck } from './analyze/dns.ts';
export { ToolCallBlocked, type AdapterOptions } from './adapters/core.ts';
export { guardTools, guardTool } from './adapters/ai-sdk.ts';
export { guardAgentTools, guardAgentTool } from './adapters/openai-agents.ts';
export { guardLangChainTools, guardLangChainTool } from './adapters/langchain.ts';
export { guardRunnableTools, guardRunnableTool } from './adapters/anthropic.ts';
export { McpGuard, StdioProxy, StdioUpstream, startGateway, createGatewayHandler, createMcpHttpHandler, FilePinStore, MemoryPinStore, toAction as mcpToAction, contractHash, contractDiff, findPoisoning, type McpEvent, type GatewayOptions, type UpstreamConfig } from './adapters/mcp/index.ts';
