/**
 * @module web/style-nonce
 * The terminal (xterm.js) writes its colours and cell sizes into `<style>` elements it
 * creates. The server's Content-Security-Policy allows only styles from this origin, plus
 * `<style>` elements carrying the nonce it put in this page's `<meta name="style-nonce">`
 * (fresh for every load). This stamps that nonce on every `<style>` the page's own code
 * creates; markup injected into the page (which has no nonce) still cannot style anything.
 * Imported first, before anything can create a style element.
 */
const meta = document.querySelector<HTMLMetaElement>('meta[name="style-nonce"]');
const nonce = meta?.content ?? "";
meta?.remove();
if (nonce && !nonce.startsWith("__")) {
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (
    this: Document,
    tag: string,
    options?: ElementCreationOptions,
  ): HTMLElement {
    const el = create.call(this, tag, options);
    if (tag.toLowerCase() === "style") el.setAttribute("nonce", nonce);
    return el;
  } as typeof Document.prototype.createElement;
}
export {};
