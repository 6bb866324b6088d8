/**
 * The micro-measure behind web/src/map-stack.ts (docs/performance.md, "Frame times, session 9"):
 * one 1920×1080 canvas drawing what moves each frame, with the still parts as nothing
 * (`single`), copied in from OffscreenCanvases (`blit`), 2D canvases stacked around it
 * (`canvas`), images (`img`) or bitmaprenderer canvases (`bitmap`), or the canvas keeping its
 * pixels and only the boxes of what moved put back from the still layers (`dirty`); the renderer's main-thread
 * CPU and all Chromium's CPU a frame over 5 s.
 *
 *   npx tsx bench/page-layers.ts single blit canvas img
 */
import { loadavg } from "node:os";
import { launchChromium } from "../test/system/browser.js";
import { chromiumCpu } from "./proc-cpu.js";
const W = 1920,
  H = 1080;
const page_html = (mode: string) => `<!doctype html><html><body style="margin:0;background:#000">
<div id=m style="position:relative;width:${W}px;height:${H}px"></div>
<script>
const mode=${JSON.stringify(mode)};
const m=document.getElementById('m');
function mk(tag){const c=document.createElement(tag);c.width=${W};c.height=${H};c.style.cssText='position:absolute;left:0;top:0;width:${W}px;height:${H}px';m.append(c);return c;}
function paintStatic(ctx,seed){ctx.fillStyle=seed?'rgba(0,0,0,0)':'#0b0f14'; if(!seed) ctx.fillRect(0,0,${W},${H}); ctx.strokeStyle='#5f7a96';ctx.lineWidth=2;ctx.beginPath();for(let i=0;i<900;i++){const x=(i*7919+seed*13)%${W},y=(i*104729+seed*7)%${H};ctx.moveTo(x,y);ctx.lineTo(x+60,y+40);}ctx.stroke(); ctx.fillStyle='#1d2a38';ctx.beginPath();for(let i=0;i<700;i++){const x=(i*3571)%${W},y=(i*6007)%${H};ctx.moveTo(x+6,y);ctx.arc(x,y,6,0,7);}ctx.fill();}
let under, over, moving;
async function setup(){
 if(mode==='canvas'){ under=mk('canvas');paintStatic(under.getContext('2d'),0); moving=mk('canvas'); over=mk('canvas'); paintStatic(over.getContext('2d'),1);}
 if(mode==='img'){ for(const s of [0,1]){const oc=new OffscreenCanvas(${W},${H});paintStatic(oc.getContext('2d'),s);const b=await oc.convertToBlob();const i=document.createElement('img');i.src=URL.createObjectURL(b);i.style.cssText='position:absolute;left:0;top:0';if(s===1){moving=mk('canvas');} m.append(i);await i.decode();} }
 if(mode==='bitmap'){ for(const s of [0,1]){const oc=new OffscreenCanvas(${W},${H});paintStatic(oc.getContext('2d'),s);const c=mk('canvas');c.getContext('bitmaprenderer').transferFromImageBitmap(oc.transferToImageBitmap()); if(s===0) moving=mk('canvas');} }
 if(mode==='blit'){ const a=new OffscreenCanvas(${W},${H});paintStatic(a.getContext('2d'),0);const b=new OffscreenCanvas(${W},${H});paintStatic(b.getContext('2d'),1);under=a;over=b;moving=mk('canvas');}
 if(mode==='single'){ moving=mk('canvas'); }
 if(mode==='dirty'){ const a=new OffscreenCanvas(${W},${H});paintStatic(a.getContext('2d'),0);const b=new OffscreenCanvas(${W},${H});paintStatic(b.getContext('2d'),1);under=a;over=b;moving=mk('canvas');}
 const ctx=moving.getContext('2d', {alpha: mode==='blit'||mode==='single'||mode==='dirty'?false:true});
 if(mode==='dirty'){ctx.drawImage(under,0,0);ctx.drawImage(over,0,0);}
 // dirty: the canvas keeps its pixels; each frame puts the still layers back over the boxes
 // of the last frame's dots and lines, then draws this frame's (lines moving as trails do).
 let boxes=[];
 function frameBoxes(n){const b=[];for(let i=0;i<30;i++){const x=(i*97+n*3)%${W},y=(i*211+n)%${H};b.push([x-7,y-7,14,14]);}
  for(let i=0;i<60;i++){const x=(i*397+n%40)%${W},y=(i*211)%${H};b.push([x-3,y-3,86,56]);}return b;}
 let n=0; window.frames_=[];
 function f(t){ window.frames_.push(t); n++;
  if(mode==='dirty'){const nb=frameBoxes(n);const all=boxes.concat(nb);for(const [x,y,w,h] of all){const x0=Math.max(0,x),y0=Math.max(0,y),w0=Math.min(${W}-x0,w),h0=Math.min(${H}-y0,h);if(w0>0&&h0>0)ctx.drawImage(under,x0,y0,w0,h0,x0,y0,w0,h0);} boxes=nb;
   ctx.fillStyle='#ffb74d';ctx.beginPath();for(let i=0;i<30;i++){const x=(i*97+n*3)%${W},y=(i*211+n)%${H};ctx.moveTo(x+5,y);ctx.arc(x,y,5,0,7);}ctx.fill();
   ctx.strokeStyle='#4fc3f7';ctx.lineWidth=3;ctx.beginPath();for(let i=0;i<60;i++){const x=(i*397+n%40)%${W},y=(i*211)%${H};ctx.moveTo(x,y);ctx.lineTo(x+80,y+50);}ctx.stroke();
   for(const [x,y,w,h] of all){const x0=Math.max(0,x),y0=Math.max(0,y),w0=Math.min(${W}-x0,w),h0=Math.min(${H}-y0,h);if(w0>0&&h0>0)ctx.drawImage(over,x0,y0,w0,h0,x0,y0,w0,h0);}
   requestAnimationFrame(f);return;}
  if(mode==='blit'){ctx.drawImage(under,0,0);} else if (mode==='single') {ctx.fillStyle='#0b0f14';ctx.fillRect(0,0,${W},${H});} else ctx.clearRect(0,0,${W},${H});
  ctx.fillStyle='#ffb74d';ctx.beginPath();for(let i=0;i<30;i++){const x=(i*97+n*3)%${W},y=(i*211+n)%${H};ctx.moveTo(x+5,y);ctx.arc(x,y,5,0,7);}ctx.fill();
  ctx.strokeStyle='#4fc3f7';ctx.lineWidth=3;ctx.beginPath();for(let i=0;i<60;i++){const x=(i*397)%${W},y=(i*211)%${H};ctx.moveTo(x,y);ctx.lineTo(x+80,y+50);}ctx.stroke();
  if(mode==='blit') ctx.drawImage(over,0,0);
  requestAnimationFrame(f);}
 requestAnimationFrame(f);
}
setup();
</script></body></html>`;
const modes = process.argv.slice(2);
const browser = await launchChromium({ width: W, height: H });
for (const mode of modes) {
  const page = await browser.context.newPage();
  await page.setContent(page_html(mode));
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.waitForTimeout(2000);
  const get = async () =>
    Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const f0 = await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_.length);
  const p0 = chromiumCpu();
  const m0 = await get();
  await page.waitForTimeout(5000);
  const m1 = await get();
  const p1 = chromiumCpu();
  let total = 0;
  const per: string[] = [];
  for (const k of Object.keys(p1)) {
    const d = (p1[k]! - (p0[k] ?? 0)) * 1000;
    total += d;
    if (d > 50) per.push(`${k} ${d.toFixed(0)}`);
  }
  const fr = await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_);
  const n = fr.length - f0;
  const d = fr
    .slice(f0)
    .map((t, i, a) => (i ? t - a[i - 1]! : 0))
    .slice(1)
    .sort((a, b) => a - b);
  console.log(
    mode,
    "frames",
    n,
    "main cpu/frame",
    (((m1.ThreadTime - m0.ThreadTime) * 1000) / n).toFixed(2),
    "ms; p95",
    d[Math.floor(d.length * 0.95)]?.toFixed(1),
    "| all Chromium ms/frame",
    (total / n).toFixed(2),
    "(",
    per.map((x) => x.replace(/ ([0-9]+)$/, (_, v) => " " + (Number(v) / n).toFixed(1))).join(", "),
    ") load",
    loadavg()[0]!.toFixed(1),
  );
  await page.close();
}
await browser.close();
