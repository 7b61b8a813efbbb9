package server_test

// contrastScript lists every piece of visible text whose contrast with its
// background is below WCAG 2.2 AA (4.5:1, or 3:1 for large text), with the
// state badge in each of its three states.
const contrastScript = `(() => {
  const rgb = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c && c.a > 0) return c; }
    return rgb(getComputedStyle(document.documentElement).backgroundColor) || {r: 255, g: 255, b: 255, a: 1}; };
  const low = [];
  const check = tag => {
    const seen = new Set(), walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const el = walk.currentNode.parentElement;
      if (!walk.currentNode.textContent.trim() || seen.has(el) || !el.getClientRects().length) continue;
      seen.add(el);
      const s = getComputedStyle(el), fg = lum(rgb(s.color)), bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = parseFloat(s.fontSize), large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight, 10) >= 700);
      if (ratio < (large ? 3 : 4.5)) low.push(tag + (el.id ? "#" + el.id : el.tagName.toLowerCase()) + " " + JSON.stringify(el.innerText.slice(0, 30)) + ": " + ratio.toFixed(2) + ":1 (" + s.color + " on " + JSON.stringify(background(el)) + ")");
    }
  };
  const state = document.getElementById("state"), cls = state.className;
  for (const s of ["upcoming", "live", "ended"]) { state.className = "state " + s; check(s + " "); }
  state.className = cls;
  return low;
})()`

// structureScript lists what keeps the page from reading well with a
// screen reader or a keyboard.
const structureScript = `(() => {
  const out = [], q = s => Array.from(document.querySelectorAll(s));
  if (document.documentElement.lang !== "en") out.push("html lang is " + JSON.stringify(document.documentElement.lang));
  if (q("h1").length !== 1) out.push(q("h1").length + " h1 elements");
  if (!document.querySelector("main")) out.push("no main landmark");
  if (!document.querySelector('meta[name=viewport][content*="width=device-width"]')) out.push("no responsive viewport");
  for (const s of q("[aria-labelledby]")) {
    const h = document.getElementById(s.getAttribute("aria-labelledby"));
    if (!h || !/^H[1-6]$/.test(h.tagName)) out.push(s.tagName + " is labelled by a missing heading");
  }
  for (const el of q("a, button")) {
    const visible = el.innerText.trim(), name = (el.getAttribute("aria-label") || visible).trim();
    if (!name) out.push((el.id || el.tagName) + " has no accessible name");
    if (visible && !name.toLowerCase().startsWith(visible.toLowerCase())) out.push((el.id || el.tagName) + ": name " + JSON.stringify(name) + " does not start with its text " + JSON.stringify(visible));
    if (el.tagName === "BUTTON" && el.getAttribute("type") !== "button") out.push((el.id || "a button") + " has no type=button");
  }
  const ids = q("[id]").map(e => e.id);
  for (const id of ids) if (ids.indexOf(id) !== ids.lastIndexOf(id)) out.push("duplicate id " + id);
  const status = document.getElementById("copy-status");
  if (!status || status.getAttribute("role") !== "status") out.push("no status region for Copy");
  return Array.from(new Set(out));
})()`
