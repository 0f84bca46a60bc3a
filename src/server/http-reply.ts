import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** JSON-RPC codes the face answers with before a request reaches an MCP server. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_SERVER_ERROR = -32000;
/** The SDK's own code for an unknown or closed session. */
export const RPC_SESSION_NOT_FOUND = -32001;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Every error of the face has the shape the SDK's transport uses for its own HTTP errors, so a client reads all of
 * them the same way, whichever layer refused the request.
 */
export function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}
