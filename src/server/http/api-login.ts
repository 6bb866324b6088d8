/**
 * @module server/http/api-login
 * Logging in from the page or a script: `POST /api/login {user, password}` checks the password
 * against the users file (the same one SSH uses, with the same failed-login throttle), starts
 * a session and sets its HttpOnly cookie; the reply also carries the token for scripts
 * (`Authorization: Bearer …`). `POST /api/logout` ends it. A lab without logins answers
 * both with a 404 that says so.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "./api-shapes.js";
import { type LoginBody, loginBody } from "./schemas.js";
import { bearerToken, ThrottledError } from "./auth.js";
import { sourceKey } from "../source-address.js";
import { cookieValue, type LoginServices, SESSION_COOKIE, sessionCookie } from "./session-auth.js";

/** Cookie lifetime: the session store's absolute lifetime (one teaching day). */
const COOKIE_MAX_AGE_S = 12 * 3600;

const secure = (request: FastifyRequest) => request.protocol === "https";

const noLogins = () =>
  new HttpError(
    404,
    "this lab has no logins (routelab up has them, from its users file)",
    undefined,
    "not-found",
  );

export function registerLoginApi(app: FastifyInstance, logins: LoginServices | undefined): void {
  app.post<{ Body: LoginBody }>("/api/login", { schema: { body: loginBody } }, async (request, reply) => {
    if (!logins) throw noLogins();
    const { user, password } = request.body;
    const addr = sourceKey(request.ip);
    logins.users.refresh();
    // The attempt is reserved (counted as failed) before the password is checked, so a burst of
    // guesses sent at once cannot all be checked while the first are still being verified.
    const attempt = logins.throttle.begin(user, addr);
    if (typeof attempt === "number")
      throw new ThrottledError(attempt, `${user} from this address`, "password");
    // verifyPassword costs the same for unknown users, so the answer does not say which exist.
    const role = (await logins.users.verifyPassword(user, password)) ? logins.users.role(user) : undefined;
    if (!role) {
      attempt.fail();
      request.log.warn(
        { event: "login-failed", proto: "http", user: user.slice(0, 64), addr },
        `http: ${addr}: failed password for ${JSON.stringify(user.slice(0, 64))}`,
      );
      throw new HttpError(401, "wrong user name or password", "password", "unauthorized");
    }
    attempt.succeed();
    request.log.info({ event: "login", proto: "http", user, role, addr }, `http: ${addr}: ${user} logged in`);
    const s = logins.sessions.create(user, role, logins.users.passwordStamp(user));
    void reply.header("set-cookie", sessionCookie(s.token, COOKIE_MAX_AGE_S, secure(request)));
    return { token: s.token, user, role, color: logins.users.color(user) ?? null };
  });

  app.post("/api/logout", async (request, reply) => {
    if (!logins) throw noLogins();
    let ended = false;
    for (const token of [bearerToken(request), cookieValue(request, SESSION_COOKIE)])
      if (token !== undefined && logins.sessions.revoke(token)) ended = true;
    void reply.header("set-cookie", sessionCookie("", 0, secure(request)));
    return { ok: true, ended };
  });
}
