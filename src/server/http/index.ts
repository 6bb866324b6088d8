/** @module server/http — the HTTP + WebSocket API and the page's static files. */
export {
  type Action,
  AuthError,
  type Authorizer,
  bearerToken,
  chainAuthorizers,
  type Principal,
  type Role,
  tokenAuthorizer,
} from "./auth.js";
export type { ApiContext } from "./context.js";
export { type ApiError, HttpError } from "./api-shapes.js";
export { toApiError } from "./errors.js";
export {
  type BatchMessage,
  EventFanout,
  type EventSocket,
  type FanoutOptions,
  type MissedMarker,
  type StreamEvent,
} from "./event-fanout.js";
export { DEFAULT_EXEC_LIMITS, type ExecLimits, type ExecResult, runCommand } from "./exec-runner.js";
export { MAX_SPEED, MIN_SPEED } from "./schemas.js";
export {
  cookieValue,
  type LoginServices,
  loginsAuthorizer,
  SESSION_COOKIE,
  sessionTokenOf,
} from "./session-auth.js";
export { MAX_WS_MESSAGE } from "./terminal-ws.js";
export { OTHER_USERS, type UserCounters, UserStats } from "./user-stats.js";
export {
  buildApp,
  CONTENT_SECURITY_POLICY,
  createServer,
  defaultWebRoot,
  pagePolicy,
  type RunningServer,
  type ServerOptions,
  STYLE_NONCE_PLACEHOLDER,
} from "./server.js";
