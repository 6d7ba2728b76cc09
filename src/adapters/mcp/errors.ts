// JSON-RPC error codes the gateway answers with, beyond the standard ones, and
// the helper that builds an error response. Each message says what happened
// and what the client can do, never what the upstream's data was.

export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** The upstream server is not running or its connection closed. */
  upstreamClosed: -32000,
  /** The upstream did not answer in time. */
  timeout: -32001,
  /** Too many requests in flight. */
  busy: -32002,
  /** AgentWall withheld a response (resources/read, prompts/get) after scanning it. */
  withheld: -32010,
  /** A message larger than the configured limit. */
  tooLarge: -32011,
} as const;

export type RpcId = string | number | null;

export function rpcError(id: RpcId, code: number, message: string): { jsonrpc: '2.0'; id: RpcId; error: { code: number; message: string } } {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
