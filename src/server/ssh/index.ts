/**
 * @module server/ssh
 * The SSH server: logins from any OpenSSH client onto the lab's routers.
 */
export {
  generateEd25519,
  HOST_KEY_FILE,
  type HostKey,
  hostKeyPathFor,
  loadOrCreateHostKey,
} from "./host-key.js";
export { LineMode } from "./line-mode.js";
export { type SshServer, type SshServerOptions, startSshServer } from "./server.js";
