// Turning a Telegram message into DOM nodes, safely: no string ever reaches innerHTML.
//
// Text messages are rendered from their entities, as a real Telegram client does (the emulator parsed
// the bot's HTML exactly as Telegram would). Captions come from the HTML the bot sent, because the
// control API reports no caption entities; a small parser that knows only Telegram's tags turns it
// into elements and shows anything else as the literal text it is.

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

// Entity type -> how it is shown. Types missing here (hashtag, cashtag, ...) stay plain text.
const ENTITY_TAGS = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  expandable_blockquote: "blockquote",
  spoiler: "span",
  text_link: "a",
  url: "a",
  text_mention: "span",
  mention: "span",
  bot_command: "span",
  custom_emoji: "span",
};

/** A link only for http(s) and mailto; anything else (javascript:, data:, tg:) is shown unlinked. */
function link(url) {
  if (typeof url !== "string" || !SAFE_URL.test(url)) {
    const span = document.createElement("span");
    span.className = "link-disabled";
    return span;
  }
  const a = document.createElement("a");
  a.href = url;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function spoiler() {
  const span = document.createElement("span");
  span.className = "spoiler";
  span.title = "spoiler: click to reveal";
  span.addEventListener("click", () => span.classList.add("revealed"));
  return span;
}

// Telegram's servers mark commands and links in plain text as entities; the emulator does not, so the
// page finds them itself (and only outside code, links and commands, where they would be literal).
const AUTO = /(https?:\/\/[^\s<>"]*[^\s<>".,:;!?'")\]])|(?<![\w/@])(\/[a-zA-Z][a-zA-Z0-9_]{0,31}(?:@[a-zA-Z0-9_]{3,32})?)(?![\w/])/g;
const LITERAL = new Set(["code", "pre", "a", "link-disabled", "bot-command", "mention"]);

function isLiteral(node) {
  return node instanceof Element && (LITERAL.has(node.localName) || [...node.classList].some((c) => LITERAL.has(c)));
}

/** Append plain `text` to `parent`, turning bare URLs and /commands into links unless `literal`. */
function appendText(parent, text, literal) {
  if (literal) {
    parent.append(text);
    return;
  }
  let pos = 0;
  for (const match of text.matchAll(AUTO)) {
    if (match.index > pos) parent.append(text.slice(pos, match.index));
    let node;
    if (match[1]) {
      node = link(match[1]);
    } else {
      node = document.createElement("span");
      node.className = "bot-command";
    }
    node.textContent = match[0];
    parent.append(node);
    pos = match.index + match[0].length;
  }
  if (pos < text.length) parent.append(text.slice(pos));
}

function entityElement(entity, text) {
  if (!Object.hasOwn(ENTITY_TAGS, entity.type)) return null;
  const tag = ENTITY_TAGS[entity.type];
  if (entity.type === "text_link") return link(entity.url);
  if (entity.type === "url") return link(text.slice(entity.offset, entity.offset + entity.length));
  if (entity.type === "spoiler") return spoiler();
  const element = document.createElement(tag);
  if (entity.type === "pre" && entity.language) element.dataset.language = entity.language;
  if (entity.type === "expandable_blockquote") element.className = "expandable";
  if (entity.type === "bot_command") element.className = "bot-command";
  if (entity.type === "mention" || entity.type === "text_mention") element.className = "mention";
  return element;
}

/**
 * `text` with its `entities` as a DocumentFragment. Offsets are UTF-16 code units, which is what
 * JavaScript strings index by. Entities nest (Telegram's come from well-formed HTML); one that
 * overlaps its parent's end is clipped to it rather than dropped.
 */
export function renderEntities(text, entities) {
  const sorted = (Array.isArray(entities) ? entities : [])
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .map((e) => ({ ...e, end: Math.min(e.offset + e.length, text.length) }))
    .filter((e) => e.offset < e.end)
    .sort((a, b) => a.offset - b.offset || b.end - a.end);
  const fragment = document.createDocumentFragment();
  fill(fragment, text, sorted, 0, text.length, false);
  return fragment;
}

function fill(parent, text, entities, start, end, literal) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const from = Math.min(Math.max(entity.offset, pos), end);
    const to = Math.min(entity.end, end);
    let j = i + 1;
    const inner = [];
    while (j < entities.length && entities[j].offset < entity.end) {
      inner.push({ ...entities[j], end: Math.min(entities[j].end, to) });
      j += 1;
    }
    if (from > pos) appendText(parent, text.slice(pos, from), literal);
    const element = from < to ? entityElement(entity, text) : null;
    if (element) {
      fill(element, text, inner, from, to, literal || isLiteral(element));
      parent.append(element);
    } else if (from < to) {
      fill(parent, text, inner, from, to, literal);
    }
    pos = Math.max(pos, to);
    i = j;
  }
  if (pos < end) appendText(parent, text.slice(pos, end), literal);
}

// --- Telegram HTML --------------------------------------------------------------------------------

const HTML_TAGS = {
  b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
  "tg-spoiler": "spoiler", span: "span", a: "a", code: "code", pre: "pre", blockquote: "blockquote",
  "tg-emoji": "emoji",
};
const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"' };
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/;
const ATTR = /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

function decode(raw) {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return Object.hasOwn(NAMED, name) ? NAMED[name] : whole;
  });
}

function attributes(source) {
  const found = {};
  for (const match of source.matchAll(ATTR)) {
    found[match[1].toLowerCase()] = decode(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return found;
}

function htmlElement(kind, attrs) {
  if (kind === "a") return link(attrs.href);
  if (kind === "spoiler") return spoiler();
  if (kind === "span") return attrs.class === "tg-spoiler" ? spoiler() : null;
  if (kind === "emoji") return document.createElement("span");
  const element = document.createElement(kind);
  if (kind === "blockquote" && "expandable" in attrs) element.className = "expandable";
  if (kind === "code" && attrs.class?.startsWith("language-")) element.dataset.language = attrs.class.slice(9);
  return element;
}

/**
 * Telegram-flavoured HTML as a DocumentFragment: the tags Telegram supports become elements (links
 * only to safe URLs), every other "<...>" is shown as the literal text it is, and only Telegram's
 * character references are decoded.
 */
export function renderTelegramHtml(source) {
  const fragment = document.createDocumentFragment();
  const stack = [{ node: fragment, name: null, literal: false }];
  let text = "";
  const flush = () => {
    const top = stack[stack.length - 1];
    if (text) appendText(top.node, decode(text), top.literal);
    text = "";
  };
  let pos = 0;
  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    if (lt < 0) {
      text += source.slice(pos);
      break;
    }
    text += source.slice(pos, lt);
    const match = TAG.exec(source.slice(lt));
    const name = match?.[2].toLowerCase();
    if (!match || !Object.hasOwn(HTML_TAGS, name)) {
      text += "<"; // not a Telegram tag: kept as text (append() never interprets markup)
      pos = lt + 1;
      continue;
    }
    flush();
    pos = lt + match[0].length;
    if (match[1]) {
      // Close the innermost open tag of that name; a stray end tag is dropped.
      const at = stack.map((entry) => entry.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      continue;
    }
    const element = htmlElement(HTML_TAGS[name], attributes(match[3]));
    const node = element ?? document.createDocumentFragment();
    stack[stack.length - 1].node.append(node);
    // A fragment empties itself when appended, so children of an ignored tag go to its parent.
    const parent = stack[stack.length - 1];
    stack.push({ node: element ?? parent.node, name, literal: parent.literal || isLiteral(element) });
  }
  flush();
  return fragment;
}
