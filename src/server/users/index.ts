/**
 * @module server/users
 * Who may log in: the users file, password and key checks, login throttling, web sessions.
 */
export { fingerprint, formatPublicKeyLine, type PublicKeyLine, parsePublicKeyLine } from "./keys.js";
export {
  colorDistance,
  MIN_DISTANCE,
  nextColor,
  nextColors,
  normalizeColor,
  PALETTE,
} from "../../core/palette.js";
export { hashPassword, randomPassword, verifyPassword } from "./password.js";
export { type Session, type SessionOptions, SessionStore } from "./sessions.js";
export {
  checkUserName,
  parseUsersYaml,
  ROLES,
  type Role,
  type User,
  type UserInfo,
  UsersStore,
} from "./store.js";
export { LoginThrottle, type ThrottleOptions } from "./throttle.js";
