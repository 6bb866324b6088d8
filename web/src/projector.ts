/**
 * @module web/projector
 * Projector mode: the map alone, full width, for the room (the side panels hidden). The
 * button or `p` (outside text fields and the terminal) toggles it; `?projector` in the
 * address starts in it; the choice is remembered.
 */
import { $ } from "./dom.js";

export function initProjector(): void {
  const button = $<HTMLButtonElement>("projector");
  const set = (on: boolean) => {
    document.body.classList.toggle("projector", on);
    button.setAttribute("aria-pressed", String(on));
    localStorage.setItem("routelab.projector", on ? "1" : "0");
  };
  const asked = new URLSearchParams(location.search).has("projector");
  set(asked || localStorage.getItem("routelab.projector") === "1");
  button.addEventListener("click", () => set(!document.body.classList.contains("projector")));
  window.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement | null;
    const typing = t && (t.closest("input, textarea, select, [contenteditable]") || t.closest("#term"));
    if (e.key !== "p" || typing || e.ctrlKey || e.metaKey || e.altKey) return;
    set(!document.body.classList.contains("projector"));
  });
}
