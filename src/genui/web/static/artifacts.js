// genui artifacts (web/artifacts.py): one slide at a time (arrow keys, PageUp/PageDown, Home/End, click),
// 1920x1080 slides scaled to their frame, the chat card's side panel (a dialog: Escape closes), print, and
// `genuiArtifacts.update(html)`: an edited artifact swapped in place, keeping the slide shown.
(function () {
  "use strict";
  if (window.genuiArtifacts) return;
  const NEXT = ["ArrowRight", "ArrowDown", "PageDown", " "];
  const PREV = ["ArrowLeft", "ArrowUp", "PageUp"];

  function frames(view) { return Array.from(view.querySelectorAll(".gu-slide-frame")); }

  function scale(view) {
    for (const frame of frames(view)) {
      const width = frame.clientWidth;
      if (width > 0) frame.style.setProperty("--gu-scale", String(width / 1920));
    }
  }

  function show(view, index) {
    const all = frames(view);
    if (!all.length) return;
    const target = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((frame, i) => frame.classList.toggle("gu-current", i === target));
    view.dataset.current = String(target);
    const count = view.querySelector(".gu-art-count");
    if (count) count.textContent = `${target + 1} / ${all.length}`;
    scale(view);
  }

  function current(view) { return Number(view.dataset.current || "0"); }

  function setup(root) {
    for (const view of root.querySelectorAll(".gu-artifact-slides:not([data-gu-ready])")) {
      view.dataset.guReady = "1";
      view.classList.add("gu-js");
      show(view, current(view));
      if (window.ResizeObserver) new ResizeObserver(() => scale(view)).observe(view);
    }
  }

  // The deck keys act on: the one in an open panel, else the one holding focus, else the only one.
  function activeView(event) {
    const open = document.querySelector("dialog.gu-artifact-panel[open] .gu-artifact-slides");
    if (open) return open;
    const focused = event.target instanceof Element ? event.target.closest(".gu-artifact-slides") : null;
    if (focused) return focused;
    const all = document.querySelectorAll(".gu-artifact-slides");
    return all.length === 1 ? all[0] : null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const tag = event.target instanceof Element ? event.target.tagName : "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    const view = activeView(event);
    if (!view) return;
    let index = null;
    if (NEXT.includes(event.key)) index = current(view) + 1;
    else if (PREV.includes(event.key)) index = current(view) - 1;
    else if (event.key === "Home") index = 0;
    else if (event.key === "End") index = frames(view).length - 1;
    if (index === null) return;
    event.preventDefault();
    show(view, index);
  });

  document.addEventListener("click", (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (!el) return;
    const view = el.closest(".gu-artifact");
    if (el.closest("[data-gu-artifact-view]")) {
      const dialog = el.closest(".gu-artifact-card").querySelector("dialog.gu-artifact-panel");
      if (dialog && !dialog.open) { dialog.showModal(); setup(dialog); scaleAll(dialog); }
      return;
    }
    if (el.closest("[data-gu-artifact-close]")) { el.closest("dialog").close(); return; }
    if (el instanceof HTMLDialogElement && el.classList.contains("gu-artifact-panel")) { el.close(); return; }
    if (el.closest("[data-gu-print]")) { window.print(); return; }
    if (!view || !view.classList.contains("gu-artifact-slides")) return;
    if (el.closest("[data-gu-next]")) { show(view, current(view) + 1); return; }
    if (el.closest("[data-gu-prev]")) { show(view, current(view) - 1); return; }
    const frame = el.closest(".gu-slide-frame");
    if (frame && !el.closest("a, button, input, select, textarea, summary")) {
      const box = frame.getBoundingClientRect();
      show(view, current(view) + (event.clientX - box.left < box.width / 3 ? -1 : 1));
    }
  });

  function scaleAll(root) { for (const view of root.querySelectorAll(".gu-artifact-slides")) scale(view); }

  // An edited artifact (same data-artifact-id) replaces the shown one in place, on the same slide.
  function update(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    for (const fresh of holder.querySelectorAll(".gu-artifact")) {
      const id = fresh.dataset.artifactId;
      const old = Array.from(document.querySelectorAll(".gu-artifact")).find((v) => v.dataset.artifactId === id);
      if (!old) continue;
      const index = current(old);
      old.replaceWith(fresh);
      setup(fresh.parentElement || document);
      show(fresh, index);
    }
  }

  window.addEventListener("beforeprint", () => {
    for (const frame of document.querySelectorAll(".gu-slide-frame")) frame.style.removeProperty("--gu-scale");
  });
  window.addEventListener("afterprint", () => scaleAll(document));
  window.addEventListener("resize", () => scaleAll(document));
  const start = () => setup(document);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  if (window.MutationObserver) new MutationObserver(() => setup(document)).observe(document.documentElement, { childList: true, subtree: true });
  window.genuiArtifacts = { setup, show, update };
})();
