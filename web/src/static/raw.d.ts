/** Vite's `?raw` imports: a file's text, bundled into the page (the browser edition's examples). */
declare module "*?raw" {
  const text: string;
  export default text;
}
