// genui playground: streaming chat over the Responses API, rendered by the server's open renderer.
import { userMessageText } from "./genui.js";

const RENDER_INTERVAL_MS = 100;
const store = {
  get: (key) => localStorage.getItem(`genui.${key}`) || "",
  set: (key, value) => (value ? localStorage.setItem(`genui.${key}`, value) : localStorage.removeItem(`genui.${key}`)),
};
const $ = (id) => document.getElementById(id);
const els = {
  messages: $("messages"), composer: $("composer"), input: $("prompt"), send: $("send"), model: $("model"),
  apiKey: $("api-key"), newChat: $("new-chat"), theme: $("theme-toggle"), status: $("status"),
};
let busy = false;

function headers(json = true) {
  const h = json ? { "Content-Type": "application/json" } : {};
  const key = els.apiKey.value.trim();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function apiError(response) {
  try {
    const body = await response.json();
    return body?.error?.message || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function setStatus(text) {
  els.status.textContent = text;
}

// ---- theme --------------------------------------------------------------------------------------

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  els.theme.setAttribute("aria-pressed", String(dark));
  els.theme.textContent = dark ? "Light theme" : "Dark theme";
}

els.theme.addEventListener("click", () => {
  const dark = els.theme.getAttribute("aria-pressed") === "true";
  const next = dark ? "light" : "dark";
  store.set("theme", next);
  applyTheme(next);
});

// ---- rendering ----------------------------------------------------------------------------------

async function renderC1(c1, partial, fallback) {
  const response = await fetch("/v1/render", {
    method: "POST", headers: headers(), body: JSON.stringify({ c1, partial, fallback: fallback || null }),
  });
  if (!response.ok) throw new Error(await apiError(response));
  return response.json();
}

function messageShell(role) {
  const li = document.createElement("li");
  li.className = `pg-msg pg-${role}`;
  const who = document.createElement("span");
  who.className = "pg-who";
  who.textContent = role === "user" ? "You" : "Assistant";
  const body = document.createElement("div");
  body.className = "pg-body";
  li.append(who, body);
  els.messages.append(li);
  return { li, body };
}

function addUser(text) {
  const { body } = messageShell("user");
  body.textContent = userMessageText(text);
}

function addRawToggle(li) {
  const details = document.createElement("details");
  details.className = "pg-raw";
  const summary = document.createElement("summary");
  summary.textContent = "Raw C1 response";
  const pre = document.createElement("pre");
  details.append(summary, pre);
  li.append(details);
  return pre;
}

/** An assistant message whose C1 text grows; re-rendered at most every RENDER_INTERVAL_MS. */
class AssistantView {
  constructor() {
    const { li, body } = messageShell("assistant");
    this.body = body;
    body.setAttribute("aria-live", "polite");
    body.setAttribute("aria-busy", "true");
    this.raw = addRawToggle(li);
    this.text = "";
    this.lastValid = "";
    this.timer = null;
    this.inflight = null;
    this.dirty = false;
  }

  append(delta) {
    this.text += delta;
    this.raw.textContent = this.text;
    this.dirty = true;
    if (!this.timer) this.timer = setTimeout(() => this.flush(true), RENDER_INTERVAL_MS);
  }

  async flush(partial) {
    this.timer = null;
    if (this.inflight) await this.inflight.catch(() => {});
    if (partial && !this.dirty) return;
    this.dirty = false;
    const text = this.text;
    this.inflight = renderC1(text, partial, this.lastValid).then((result) => {
      if (result.valid) this.lastValid = text;
      this.body.innerHTML = result.html;
    });
    await this.inflight.catch((err) => partial || this.showError(err.message));
  }

  async finish() {
    clearTimeout(this.timer);
    this.timer = null;
    await this.flush(false);
    this.body.setAttribute("aria-busy", "false");
  }

  showError(message) {
    const note = document.createElement("p");
    note.className = "pg-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    this.body.append(note);
    this.body.setAttribute("aria-busy", "false");
  }
}

// ---- API ----------------------------------------------------------------------------------------

async function loadModels() {
  const response = await fetch("/v1/models", { headers: headers(false) });
  if (!response.ok) {
    setStatus(`Models: ${await apiError(response)}`);
    return;
  }
  const body = await response.json();
  const saved = store.get("model");
  els.model.replaceChildren();
  for (const model of body.data || []) {
    const option = document.createElement("option");
    option.value = option.textContent = model.id;
    if (model.id === saved) option.selected = true;
    els.model.append(option);
  }
}

async function newConversation() {
  const response = await fetch("/v1/conversations", { method: "POST", headers: headers(), body: "{}" });
  if (!response.ok) throw new Error(await apiError(response));
  const conversation = await response.json();
  store.set("conversation", conversation.id);
  els.messages.replaceChildren();
  return conversation.id;
}

function itemText(item) {
  return (item.content || [])
    .map((part) => (typeof part === "string" ? part : part.text || ""))
    .join("");
}

async function loadHistory(id) {
  const items = [];
  let after = "";
  for (let page = 0; page < 50; page++) {
    const query = `order=asc&limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    const response = await fetch(`/v1/conversations/${encodeURIComponent(id)}/items?${query}`, { headers: headers(false) });
    if (response.status === 404) {
      store.set("conversation", "");
      return;
    }
    if (!response.ok) throw new Error(await apiError(response));
    const body = await response.json();
    items.push(...(body.data || []));
    if (!body.has_more || !body.last_id) break;
    after = body.last_id;
  }
  els.messages.replaceChildren();
  for (const item of items) {
    if (item.type && item.type !== "message") continue;
    const text = itemText(item);
    if (item.role === "user") addUser(text);
    else if (item.role === "assistant") {
      const view = new AssistantView();
      view.text = text;
      view.raw.textContent = text;
      await view.finish();
    }
  }
}

function parseSse(buffer, onEvent) {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop();
  for (const block of blocks) {
    let event = "";
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) onEvent(event, data.join("\n"));
  }
  return rest;
}

async function sendMessage(text) {
  if (busy || !text.trim()) return;
  busy = true;
  els.send.disabled = true;
  setStatus("Generating…");
  let view = null;
  try {
    const conversation = store.get("conversation") || (await newConversation());
    addUser(text);
    view = new AssistantView();
    const response = await fetch("/v1/embed/responses", {
      method: "POST", headers: headers(),
      body: JSON.stringify({ model: els.model.value, input: text, conversation, stream: true }),
    });
    if (!response.ok) throw new Error(await apiError(response));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let failure = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseSse(buffer + value, (event, data) => {
        if (data === "[DONE]") return;
        let payload;
        try {
          payload = JSON.parse(data);
        } catch {
          return;
        }
        const type = payload.type || event;
        if (type === "response.output_text.delta") view.append(payload.delta || "");
        else if (type === "error") failure = payload.message || payload.error?.message || "Stream error";
        else if (type === "response.failed") failure ||= payload.response?.error?.message || "Response failed";
      });
    }
    await view.finish();
    if (failure) view.showError(failure);
    setStatus("");
  } catch (err) {
    if (view) {
      view.showError(err.message);
      setStatus("");
    } else setStatus(err.message);
  } finally {
    busy = false;
    els.send.disabled = false;
  }
}

// ---- wiring -------------------------------------------------------------------------------------

els.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = els.input.value;
  els.input.value = "";
  sendMessage(text);
});
els.input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    els.composer.requestSubmit();
  }
});
document.addEventListener("genui:send", (event) => sendMessage(event.detail.message));
document.addEventListener("genui:action", (event) => setStatus(`Custom action: ${event.detail.type}`));
els.newChat.addEventListener("click", async () => {
  try {
    await newConversation();
    setStatus("New chat started");
  } catch (err) {
    setStatus(err.message);
  }
});
els.apiKey.value = store.get("apiKey");
els.apiKey.addEventListener("change", () => {
  store.set("apiKey", els.apiKey.value.trim());
  loadModels();
});
els.model.addEventListener("change", () => store.set("model", els.model.value));
applyTheme(store.get("theme"));

(async () => {
  await loadModels();
  const id = store.get("conversation");
  if (id) {
    try {
      await loadHistory(id);
    } catch (err) {
      setStatus(err.message);
    }
  }
  document.body.dataset.ready = "true";
})();
