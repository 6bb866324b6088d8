/**
 * @module server/users/file
 * Where the users file lives by default: beside the topology. Its own tiny module so the CLI
 * can name it without loading the servers.
 */
import { dirname, join } from "node:path";

export const USERS_FILE = "routelab-users.yaml";

/** The users file `up` uses for a topology: beside it. */
export function defaultUsersFile(topologyPath: string): string {
  return join(dirname(topologyPath), USERS_FILE);
}
