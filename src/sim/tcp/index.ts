/** @module sim/tcp — TCP (RFC 9293, RFC 6298, RFC 5681) on a simulated node, and its socket API. */
export type { TcpError, TcpHandlers, TcpListener, TcpOpenOptions, TcpSocket, TcpState } from "./socket.js";
export { TcpStack, type TcpInputResult, type TcpIpLayer, type TcpStateChange } from "./stack.js";
export * as tcpParams from "./params.js";
