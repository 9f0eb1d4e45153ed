// genui open renderer: actions, forms and tabs for server-rendered C1 HTML. Vanilla ES module, no deps.
//
// Events (dispatched on the clicked element, bubbling, so `document.addEventListener` sees them):
//   genui:send   detail {message, label, context}  a continue_conversation click or a follow-up; `message`
//                is the exact C1 user message: <content thesys="true">label</content><context>json</context>,
//                or for a v2 (OpenUI Lang) answer <content>label</content><context>json</context>
//   genui:action detail {type, props}              a custom action declared via c1_custom_actions
// open_url actions are plain links (target=_blank, rel=noopener noreferrer): they work without JS.

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeC1(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

export function unescapeC1(text) {
  return String(text)
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&#x27;/gi, "'").replace(/&amp;/g, "&");
}

export function actionMessage(label, context, openui = false) {
  const content = openui ? "<content>" : '<content thesys="true">';
  return `${content}${escapeC1(label)}</content><context>${escapeC1(JSON.stringify(context))}</context>`;
}

/** The visible text of a C1 user message (an action message shows its label). */
export function userMessageText(text) {
  const match = /^\s*<content(?: thesys="true")?>([\s\S]*?)<\/content>/.exec(text);
  return match ? unescapeC1(match[1]) : text;
}

function fieldValue(field) {
  const type = field.dataset.guType;
  const inputs = [...field.querySelectorAll("input, select, textarea")];
  switch (type) {
    case "CheckBoxGroup":
    case "SwitchGroup": {
      const value = {};
      for (const input of inputs) value[input.name] = input.checked;
      return value;
    }
    case "RadioGroup": {
      const checked = inputs.find((i) => i.checked);
      return checked ? checked.value : "";
    }
    case "TileOptionBlock":
    case "OptionCards":
    case "Chips": {
      const checked = inputs.filter((i) => i.checked).map((i) => i.value);
      return inputs.length && inputs[0].type === "checkbox" ? checked : (checked[0] ?? "");
    }
    case "Slider":
      return inputs.map((i) => Number(i.value));
    case "DatePicker":
      return inputs.length > 1 ? inputs.map((i) => i.value) : (inputs[0]?.value ?? "");
    case "EditableTable":
      return [...field.querySelectorAll("tbody tr")].map((row) => ({
        id: row.dataset.rowId,
        values: [...row.querySelectorAll("input, select")].map((i) => (i.type === "number" ? Number(i.value) : i.value)),
      }));
    default:
      return inputs[0]?.value ?? "";
  }
}

/** `{formName: {field: {value, componentType}}}` from every field of a rendered Form. */
export function formState(form) {
  const values = {};
  for (const field of form.querySelectorAll("[data-gu-field]")) {
    if (field.closest("form") !== form) continue;
    values[field.dataset.guField] = { value: fieldValue(field), componentType: field.dataset.guType };
  }
  return { [form.dataset.guForm]: values };
}

function send(el, label, context, openui) {
  const detail = { message: actionMessage(label, context, openui), label, context };
  el.dispatchEvent(new CustomEvent("genui:send", { bubbles: true, composed: true, detail }));
}

function onClick(event) {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  // a v2 answer (OpenUI Lang) is answered with the v2 message shape: ["User clicked: LABEL", formState]
  const openui = Boolean(target.closest('[data-gu-lang="openui"]'));
  const followUp = target.closest("[data-gu-followup]");
  if (followUp) {
    const text = followUp.dataset.guFollowup;
    send(followUp, text, [openui ? `User clicked: ${text}` : `User clicked on FollowUpItem: ${text}`, {}], openui);
    return;
  }
  const tab = target.closest('[role="tab"]');
  if (tab && tab.closest("[data-gu-tabs]")) {
    selectTab(tab);
    return;
  }
  const button = target.closest('button[data-gu-action], [role="button"][data-gu-action]');
  if (!button || button.disabled) return;
  const type = button.dataset.guAction;
  if (type === "continue_conversation") {
    const form = button.closest("form[data-gu-form]");
    if (form && !form.checkValidity()) {
      form.reportValidity();
      return;
    }
    const label = button.dataset.guLabel || button.dataset.guName;
    const context = openui
      ? [`User clicked: ${label}`, form ? formState(form) : {}]
      : [`User clicked on Button: ${button.dataset.guName}`, form ? [formState(form)] : {}];
    send(button, label, context, openui);
    return;
  }
  let payload = { type, props: {} };
  try {
    payload = JSON.parse(button.dataset.guPayload || "{}");
  } catch {
    /* keep the default */
  }
  button.dispatchEvent(new CustomEvent("genui:action", {
    bubbles: true, composed: true, detail: { type: payload.type || type, props: payload.props || {} },
  }));
}

function selectTab(tab) {
  const root = tab.closest("[data-gu-tabs]");
  for (const other of root.querySelectorAll('[role="tab"]')) {
    if (other.closest("[data-gu-tabs]") !== root) continue;
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    const panel = root.querySelector(`#${CSS.escape(other.getAttribute("aria-controls"))}`);
    if (panel) panel.classList.toggle("gu-active", selected);
  }
}

function onKeyDown(event) {
  const region = event.target instanceof Element ? event.target : null;
  if (region && region.matches('[role="button"][data-gu-action]') && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();  // a clickable card acts like a button
    region.click();
    return;
  }
  const tab = event.target instanceof Element ? event.target.closest('[role="tab"]') : null;
  if (!tab || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
  const tabs = [...tab.parentElement.querySelectorAll('[role="tab"]')];
  let index = tabs.indexOf(tab);
  if (event.key === "ArrowLeft") index = (index - 1 + tabs.length) % tabs.length;
  if (event.key === "ArrowRight") index = (index + 1) % tabs.length;
  if (event.key === "Home") index = 0;
  if (event.key === "End") index = tabs.length - 1;
  event.preventDefault();
  selectTab(tabs[index]);
  tabs[index].focus();
}

function onInput(event) {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.type === "range") {
    const output = input.nextElementSibling;
    if (output && output.tagName === "OUTPUT") output.value = input.value;
  }
}

/** Mark tab widgets as scripted (CSS then shows one panel at a time). */
export function enhance(root = document) {
  for (const tabs of root.querySelectorAll("[data-gu-tabs]:not(.gu-enhanced)")) tabs.classList.add("gu-enhanced");
}

export function install(root = document) {
  if (root.__genuiInstalled) return;
  root.__genuiInstalled = true;
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKeyDown);
  root.addEventListener("input", onInput);
  root.addEventListener("submit", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.matches("[data-gu-form]")) event.preventDefault();
  });
  enhance(root);
  new MutationObserver(() => enhance(root)).observe(root.body || root, { childList: true, subtree: true });
}

if (typeof document !== "undefined") install(document);
