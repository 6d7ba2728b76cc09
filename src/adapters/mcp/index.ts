// The MCP gateway: a stdio proxy for one server and a Streamable HTTP gateway
// for several, both deciding every tools/call, pinning tool contracts and
// scanning responses (see docs/mcp.md).
import './section.ts';
export { McpGuard, blockedResult, type GuardOptions, type McpEvent, type ToolStatus } from './guard.ts';
export { StdioProxy, type StdioProxyOptions } from './stdio-proxy.ts';
export { StdioUpstream, type StdioUpstreamOptions } from './stdio-upstream.ts';
export { toAction, qualifiedName, findMapping, TOOL_SEPARATOR } from './translate.ts';
export { contractOf, contractHash, contractDiff, type ToolContract } from './contract.ts';
export { FilePinStore, MemoryPinStore, PINS_FILE, type PinStore, type Pin } from './pins.ts';
export { findPoisoning, type PoisonFinding } from './poison.ts';
export { mcpSettings, McpSectionSchema, type McpSection, type McpSettings, type ToolMapping } from './section.ts';
export { startGateway, createGatewayHandler, type Gateway, type GatewayHandler, type GatewayOptions } from './gateway.ts';
export { loadGatewayConfig, parseGatewayConfig, type GatewayConfig, type UpstreamConfig } from './config.ts';
export { createMcpHttpHandler } from './http.ts';
