/**
 * @module server/http/api-login
 * Logging in from the page or a script: `POST /api/login {user, password}` checks the password
 * against the users file (the same one SSH uses, with the same failed-login throttle), starts
 * a session and sets its HttpOnly cookie; the reply also carries the token for scripts
 * (`Authorization: Bearer …`). `POST /api/logout` ends it. A lab without logins answers
 * both with a 404 that says so.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { LoginReplySchema, LogoutReplySchema } from "./answers.js";
import { HttpError } from "./api-shapes.js";
import { BAD_REQUEST, errorAnswer, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";
import { loginBody } from "./schemas.js";
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
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post("/api/login", { schema: loginSchema }, async (request, reply) => {
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

  api.post("/api/logout", { schema: logoutSchema }, async (request, reply) => {
    if (!logins) throw noLogins();
    let ended = false;
    for (const token of [bearerToken(request), cookieValue(request, SESSION_COOKIE)])
      if (token !== undefined && logins.sessions.revoke(token)) ended = true;
    void reply.header("set-cookie", sessionCookie("", 0, secure(request)));
    return { ok: true, ended };
  });
}

const NO_LOGINS = errorAnswer("The lab has no logins (no users file)");
const SET_COOKIE = {
  "Set-Cookie": Type.String({ description: "the session cookie (HttpOnly, SameSite=Strict)" }),
};

const loginSchema = {
  summary: "Log in with a user name and password from the users file (as for ssh)",
  description:
    "Starts a session and sets the `routelab_session` cookie (HttpOnly, SameSite=Strict, 12 h). Failed logins are throttled per user and address, shared with SSH: after three, each further failure doubles the wait (429 with Retry-After).",
  security: SECURITY.none,
  body: loginBody,
  response: {
    200: {
      ...okAnswer(LoginReplySchema, "Logged in; `token` also works as `Authorization: Bearer …`"),
      headers: SET_COOKIE,
    },
    400: BAD_REQUEST,
    401: errorAnswer("Wrong user name or password (the answer does not say which)"),
    404: NO_LOGINS,
    429: REFUSALS[429],
  },
};

const logoutSchema = {
  summary: "End the caller's session (cookie and bearer token) and clear the cookie",
  security: SECURITY.anybody,
  response: {
    200: { ...okAnswer(LogoutReplySchema, "Logged out"), headers: SET_COOKIE },
    404: NO_LOGINS,
  },
};
