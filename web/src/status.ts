/**
 * @module web/status
 * The status line under the header: what just happened or went wrong, cleared after a while
 * unless it stays true (disconnected).
 */
import { ApiFailure } from "./api.js";
import { $ } from "./dom.js";

let statusTimer: ReturnType<typeof setTimeout> | null = null;

export function status(msg: string, sticky = false): void {
  $("status").textContent = msg;
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = sticky ? null : setTimeout(() => ($("status").textContent = ""), 6000);
}

/** Shows a failed action's reason; a refused control on a lab without logins points at the token. */
export function report(e: unknown): void {
  if (e instanceof ApiFailure && e.status === 401 && !document.body.classList.contains("logins"))
    status(`${e.message} — click “token” to enter the instructor token`);
  else status(e instanceof Error ? e.message : String(e));
}
