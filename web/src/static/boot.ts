/**
 * @module web/static/boot
 * The browser edition's start (it runs before the page's main module): starts the simulator's
 * worker, puts it behind the page's fetch and WebSocket (transport.ts), loads the topology the
 * visitor chose — an example from the address (`#example=seed-class`) or a file they opened —
 * and adds the chooser, the file opener and the terminal to the bar. Switching labs reloads
 * the page, so every page module starts clean on the new lab.
 */
import "./static.css";
import type { FromWorker, ToWorker } from "../../../src/static/protocol.js";
import { EXAMPLES, type Example } from "./examples.js";
import { TerminalDrawer } from "./terminal-drawer.js";
import { dispatch, installTransport } from "./transport.js";

declare global {
  interface Window {
    ROUTELAB_STATIC?: { lab: Promise<LoadedLab> };
  }
}

export interface LoadedLab {
  name: string;
  fileName: string;
  nodes: number;
  links: number;
  lesson: boolean;
  /** Why the chosen file did not load (the default example was loaded instead). */
  error?: string;
}

/** An opened file waiting for the reload that boots it. */
const FILE_KEY = "routelab.static.file";

function chosen(): { fileName: string; text: string; example?: string } {
  const m = /(?:^#|&)example=([\w-]+)/.exec(location.hash);
  const ex = EXAMPLES.find((e) => e.id === m?.[1]);
  if (ex) return { fileName: ex.fileName, text: ex.text, example: ex.id };
  const saved = sessionStorage.getItem(FILE_KEY);
  if (saved) {
    try {
      const f = JSON.parse(saved) as { fileName: string; text: string };
      if (typeof f.fileName === "string" && typeof f.text === "string") return f;
    } catch {
      // a damaged entry: fall through to the default
    }
  }
  const seed = EXAMPLES[0]!;
  return { fileName: seed.fileName, text: seed.text, example: seed.id };
}

const worker = new Worker(new URL("../../../src/static/worker.ts", import.meta.url), { type: "module" });
let loadId = 0;
const loads = new Map<number, (m: FromWorker) => void>();
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.type === "loaded" || m.type === "load-error") {
    loads.get(m.id)?.(m);
    loads.delete(m.id);
  } else dispatch(m);
};
const post = (m: ToWorker) => worker.postMessage(m);

function load(fileName: string, text: string): Promise<FromWorker> {
  const id = ++loadId;
  const user = (localStorage.getItem("routelab.user") ?? "").trim();
  return new Promise((resolve) => {
    loads.set(id, resolve);
    const m: ToWorker = { type: "load", id, fileName, text };
    if (user) m.user = user;
    post(m);
  });
}

async function boot(): Promise<LoadedLab> {
  const pick = chosen();
  let r = await load(pick.fileName, pick.text);
  let error: string | undefined;
  let fileName = pick.fileName;
  if (r.type === "load-error") {
    error = r.error;
    sessionStorage.removeItem(FILE_KEY);
    const seed = EXAMPLES[0]!;
    fileName = seed.fileName;
    r = await load(seed.fileName, seed.text);
  }
  if (r.type !== "loaded")
    throw new Error(`the built-in example does not load: ${r.type === "load-error" ? r.error : ""}`);
  const lab: LoadedLab = { name: r.name, fileName, nodes: r.nodes, links: r.links, lesson: r.lesson };
  if (error !== undefined) lab.error = error;
  return lab;
}

const lab = boot();
installTransport({ post, ready: lab.then(() => undefined) });
window.ROUTELAB_STATIC = { lab };
document.body.classList.add("static");
mountBar(chosen().example);
lab.then(
  (l) => {
    if (l.error) showError(l.error);
  },
  (e) => showError(String(e)),
);

function showError(text: string): void {
  const box = document.createElement("div");
  box.id = "static-error";
  box.setAttribute("role", "alert");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "✕";
  close.addEventListener("click", () => box.remove());
  const pre = document.createElement("pre");
  pre.textContent = `This file did not load, so the seed network is shown instead:\n${text}`;
  box.append(pre, close);
  document.body.append(box);
}

function mountBar(current: string | undefined): void {
  const bar = document.getElementById("bar");
  if (!bar) return;
  const select = document.createElement("select");
  select.id = "static-example";
  select.title = "bundled examples and lessons";
  const file = document.createElement("option");
  file.value = "";
  file.textContent = "(opened file)";
  file.disabled = true;
  select.append(file);
  for (const e of EXAMPLES as Example[]) {
    const o = document.createElement("option");
    o.value = e.id;
    o.textContent = e.title;
    select.append(o);
  }
  select.value = current ?? "";
  select.addEventListener("change", () => {
    sessionStorage.removeItem(FILE_KEY);
    location.hash = `example=${select.value}`;
    location.reload();
  });
  const input = document.createElement("input");
  input.type = "file";
  input.id = "static-file";
  input.accept = ".yaml,.yml,.edges,.graphml,.clab.yml,.clab.yaml";
  input.addEventListener("change", async () => {
    const f = input.files?.[0];
    if (!f) return;
    sessionStorage.setItem(FILE_KEY, JSON.stringify({ fileName: f.name, text: await f.text() }));
    history.replaceState(null, "", location.pathname + location.search);
    location.reload();
  });
  const openLabel = document.createElement("label");
  openLabel.className = "static-open";
  openLabel.title = "open a topology or lesson file (routelab YAML, containerlab, edges, GraphML)";
  openLabel.append("open file…", input);
  const termButton = document.createElement("button");
  termButton.type = "button";
  termButton.id = "static-terminal";
  termButton.textContent = "terminal";
  termButton.title = "a shell on the selected router, as an SSH login gets";
  let drawer: TerminalDrawer | null = null;
  termButton.addEventListener("click", () => {
    drawer ??= new TerminalDrawer();
    drawer.toggle();
  });
  const group = document.createElement("span");
  group.className = "group static-picker";
  group.append(select, openLabel, termButton);
  const token = bar.querySelector("#token");
  if (token) token.after(group);
  else bar.append(group);
}
