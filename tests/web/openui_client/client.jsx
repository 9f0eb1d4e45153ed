// The real open client for genui's browser tests: @openuidev/react-lang's Renderer with the C1 v2 chat library
// of @openuidev/thesys (MIT), bundled at test time. The test feeds it programs prefix by prefix.
import React from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Renderer } from "@openuidev/react-lang";
import { chatLibrary } from "@openuidev/thesys";
import "@openuidev/react-ui/index.css";
import "@openuidev/thesys/styles.css";

const host = document.getElementById("app");
window.__caught = [];   // errors an error boundary caught (React's onCaughtError): must stay empty
window.__errors = [];   // the Renderer's last onError report (parser and render errors, after streaming)
window.__actions = [];  // actions the rendered UI triggered
const root = createRoot(host, {
  onCaughtError: (error) => window.__caught.push(String(error?.message ?? error)),
  onUncaughtError: (error) => window.__caught.push(`uncaught: ${String(error?.message ?? error)}`),
});
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

window.__render = async (program, isStreaming) => {
  flushSync(() => {
    root.render(
      <Renderer
        response={program || null}
        library={chatLibrary}
        isStreaming={isStreaming}
        publishObservability={false}
        onError={(errors) => { window.__errors = errors; }}
        onAction={(event) => window.__actions.push(event)}
      />,
    );
  });
  await frame();
  await frame();
};

window.__measure = () => ({
  text: host.innerText.replace(/\s+/g, " ").trim().length,
  elements: host.querySelectorAll("*").length,
  tabs: host.querySelectorAll('[role="tab"]').length,
  height: host.getBoundingClientRect().height,
});
window.__ready = true;
