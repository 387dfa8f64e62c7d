// The chat page: one person (picked in the sidebar) talks to the bot in their private chat.
//
// Everything goes through the emulator's control API, exactly as tests drive it: messages and button
// presses are POSTed as that user, the chat is read once and then followed live through the
// server-sent event stream. The page keeps no state the emulator does not have, so a reload (or a
// reconnect after the stream dropped) just reads the chat again.

import { messageRow } from "./message.js";

const $ = (id) => document.getElementById(id);
const MESSAGE_EVENTS = ["user_message", "bot_message", "bot_message_edited", "bot_message_deleted", "user_message_deleted"];
const ACTIONS = { typing: "typing…", upload_photo: "sending a photo…", upload_document: "sending a file…" };
const PRESS_TIMEOUT_MS = 15000;

const state = {
  users: [],
  user: null,
  rows: new Map(), // message_id -> row element, for the open chat
  unread: new Map(), // user id -> bot messages that arrived while another person was shown
  preview: new Map(), // user id -> last message text
  pending: new Map(), // callback_query_id -> button waiting for the bot's answer
  // Answers that came over the event stream before the press's own HTTP reply named their id.
  answered: new Set(),
  commands: [],
  statusTimer: null,
  streamLost: false,
};

async function api(path, body) {
  const options =
    body === undefined
      ? {}
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function avatar(name, id) {
  const circle = document.createElement("span");
  circle.className = "avatar";
  circle.textContent = (name || "?").slice(0, 1).toUpperCase();
  circle.style.setProperty("--hue", String((Number(id) * 47) % 360));
  return circle;
}

// --- people -----------------------------------------------------------------------------------------

function renderUsers() {
  const items = state.users.map((user) => {
    const item = document.createElement("li");
    item.dataset.userId = String(user.id);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "user" + (user.id === state.user?.id ? " active" : "");
    const who = document.createElement("span");
    who.className = "who";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = user.name;
    const role = document.createElement("span");
    role.className = "role";
    role.textContent = user.role || `id ${user.id}`;
    const preview = document.createElement("span");
    preview.className = "preview";
    preview.textContent = state.preview.get(user.id) || "";
    who.append(name, role, preview);
    button.append(avatar(user.name, user.id), who);
    const unread = state.unread.get(user.id) || 0;
    if (unread > 0) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(unread);
      button.append(badge);
    }
    button.addEventListener("click", () => selectUser(user.id));
    item.append(button);
    return item;
  });
  $("users").replaceChildren(...items);
}

async function selectUser(id) {
  const user = state.users.find((candidate) => candidate.id === id) || state.users[0];
  state.user = user;
  state.unread.delete(user.id);
  history.replaceState(null, "", `#user=${user.id}`);
  $("me").replaceChildren(avatar(user.name, user.id), document.createTextNode(`you are ${user.name}`));
  $("text").placeholder = `Message as ${user.name}, e.g. /start`;
  renderUsers();
  await loadChat();
  chooseCommands();
  $("text").focus();
}

// --- the open chat ------------------------------------------------------------------------------------

async function loadChat() {
  const user = state.user;
  const [chat, bot] = await Promise.all([api(`/control/chats/${user.id}/messages`), api("/control/chats")]);
  if (state.user !== user) return; // another person was picked meanwhile
  showBot(bot.bot);
  state.rows.clear();
  $("messages").replaceChildren();
  for (const message of chat.messages) upsert(message, false);
  renderUsers();
  updateEmpty();
  scrollToBottom(true);
}

function showBot(bot) {
  if (!bot) return;
  $("bot-name").textContent = bot.first_name || "bot";
  $("bot-status").textContent = bot.username ? `@${bot.username}` : "bot";
  $("bot-avatar").replaceWith(Object.assign(avatar(bot.first_name, bot.id), { id: "bot-avatar" }));
}

function nearBottom() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

function scrollToBottom(force) {
  const box = $("messages");
  if (force || nearBottom()) box.scrollTop = box.scrollHeight;
}

function updateEmpty() {
  $("empty").hidden = state.rows.size > 0;
}

/** Show a message where it belongs: replaced in place when known (an edit), else in id order. */
function upsert(message, scroll = true) {
  const stick = nearBottom();
  const old = state.rows.get(message.message_id);
  if (message.deleted) {
    old?.remove();
    state.rows.delete(message.message_id);
    updateEmpty();
    return;
  }
  const row = messageRow(message, { onPress: press, quote });
  if (old) {
    old.replaceWith(row);
  } else {
    const next = [...state.rows.entries()].filter(([id]) => id > message.message_id).sort((a, b) => a[0] - b[0])[0];
    $("messages").insertBefore(row, next ? next[1] : null);
  }
  state.rows.set(message.message_id, row);
  state.preview.set(state.user.id, message.text || (message.photo ? "Photo" : ""));
  if (scroll) renderUsers();
  updateEmpty();
  if (scroll && (stick || !message.from_bot)) scrollToBottom(true);
}

function quote(messageId) {
  const row = state.rows.get(messageId);
  return row ? row.querySelector(".text")?.textContent || "" : null;
}

// --- acting as the person -----------------------------------------------------------------------------

async function send(text) {
  const user = state.user;
  if (!user || !text.trim()) return;
  try {
    const sent = await api("/control/messages", {
      user_id: user.id,
      text,
      first_name: user.name,
      username: user.name,
      language_code: user.language_code || "en",
    });
    if (state.user === user) upsert(sent); // the event stream brings it too; upsert is idempotent
  } catch (error) {
    toast(`not sent: ${error.message}`);
  }
}

async function press(message, button, element) {
  element.classList.add("pending");
  element.disabled = true;
  const release = () => {
    element.classList.remove("pending");
    element.disabled = false;
  };
  try {
    const answer = await api("/control/press", {
      user_id: state.user.id,
      chat_id: message.chat_id,
      message_id: message.message_id,
      callback_data: button.callback_data,
    });
    if (state.answered.delete(answer.callback_query_id)) {
      release();
      return;
    }
    state.pending.set(answer.callback_query_id, release);
    // A bot that never answers leaves Telegram's spinner on for a while too, then it gives up.
    setTimeout(() => {
      if (state.pending.delete(answer.callback_query_id)) release();
    }, PRESS_TIMEOUT_MS);
  } catch (error) {
    release();
    toast(`button not pressed: ${error.message}`);
  }
}

// --- commands menu ---------------------------------------------------------------------------------------

async function loadCommands() {
  try {
    state.commands = (await api("/control/commands")).commands;
  } catch {
    state.commands = [];
  }
  chooseCommands();
}

/** The list Telegram would show this person: the narrowest scope, their language before the default. */
function chooseCommands() {
  const user = state.user;
  if (!user) return;
  const rank = (entry) => {
    const scope = entry.scope?.type;
    const scopeRank = scope === "chat" && entry.scope.chat_id === user.id ? 0 : scope === "all_private_chats" ? 1 : scope === "default" ? 2 : 9;
    const languageRank = entry.language_code === (user.language_code || "en") ? 0 : entry.language_code ? 9 : 1;
    return scopeRank * 10 + languageRank;
  };
  const best = [...state.commands].filter((entry) => rank(entry) < 90).sort((a, b) => rank(a) - rank(b))[0];
  const list = best ? best.commands : [];
  $("menu").hidden = list.length === 0;
  const items = list.map((command) => {
    const item = document.createElement("button");
    item.type = "button";
    item.className = "command";
    const name = document.createElement("span");
    name.className = "command-name";
    name.textContent = `/${command.command}`;
    const description = document.createElement("span");
    description.className = "command-description";
    description.textContent = command.description;
    item.append(name, description);
    item.addEventListener("click", () => {
      $("commands").hidden = true;
      send(`/${command.command}`);
    });
    return item;
  });
  $("commands").replaceChildren(...items);
}

// --- notices ---------------------------------------------------------------------------------------------

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => (box.hidden = true), 3500);
}

function setStatus(text) {
  const bot = $("bot-status");
  clearTimeout(state.statusTimer);
  bot.dataset.action = text;
  bot.classList.add("acting");
  // Telegram shows a chat action for 5 s or until the next message.
  state.statusTimer = setTimeout(clearStatus, 5000);
}

function clearStatus() {
  clearTimeout(state.statusTimer);
  $("bot-status").classList.remove("acting");
}

function setConnection(connected) {
  const box = $("connection");
  box.textContent = connected ? "live" : "reconnecting…";
  box.classList.toggle("lost", !connected);
}

// --- live updates ------------------------------------------------------------------------------------------

function onMessageEvent(kind, event) {
  const userId = event.chat_id;
  if (state.user && userId === state.user.id) {
    if (kind === "bot_message") clearStatus();
    upsert(event.message);
    return;
  }
  if (!state.users.some((user) => user.id === userId)) return;
  state.preview.set(userId, event.message.text || (event.message.photo ? "Photo" : ""));
  if (kind === "bot_message") state.unread.set(userId, (state.unread.get(userId) || 0) + 1);
  renderUsers();
}

function connect() {
  const source = new EventSource("/control/events");
  source.addEventListener("open", () => {
    setConnection(true);
    // Events sent while the stream was down are gone: read the chat again.
    if (state.streamLost && state.user) loadChat();
    state.streamLost = false;
  });
  source.addEventListener("error", () => {
    state.streamLost = true;
    setConnection(false);
  });
  for (const kind of MESSAGE_EVENTS) {
    source.addEventListener(kind, (event) => onMessageEvent(kind, JSON.parse(event.data)));
  }
  source.addEventListener("callback_answer", (event) => {
    const answer = JSON.parse(event.data);
    const release = state.pending.get(answer.callback_query_id);
    if (release) {
      state.pending.delete(answer.callback_query_id);
      release();
    } else {
      state.answered.add(answer.callback_query_id);
      // Answers to presses made in other tabs never get claimed: keep only the recent ones.
      if (state.answered.size > 100) state.answered.delete(state.answered.values().next().value);
    }
    if (!answer.text || answer.chat_id !== state.user?.id) return;
    if (answer.show_alert) {
      $("alert-text").textContent = answer.text;
      $("alert").showModal();
    } else {
      toast(answer.text);
    }
  });
  source.addEventListener("chat_action", (event) => {
    const action = JSON.parse(event.data);
    if (action.chat_id === state.user?.id) setStatus(ACTIONS[action.action] || `${action.action}…`);
  });
  source.addEventListener("reset", () => {
    state.unread.clear();
    state.preview.clear();
    renderUsers();
    if (state.user) loadChat();
  });
}

// --- start -----------------------------------------------------------------------------------------------

async function loadPreviews() {
  await Promise.all(
    state.users.map(async (user) => {
      const chat = await api(`/control/chats/${user.id}/messages`).catch(() => ({ messages: [] }));
      const last = chat.messages.filter((message) => !message.deleted).at(-1);
      if (last && !state.preview.has(user.id)) state.preview.set(user.id, last.text || "");
    }),
  );
  renderUsers();
}

async function start() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value;
    input.value = "";
    $("commands").hidden = true;
    send(text);
  });
  $("menu").addEventListener("click", () => {
    $("commands").hidden = !$("commands").hidden;
  });
  $("messages").addEventListener("click", (event) => {
    const command = event.target.closest?.(".bot-command");
    if (command) send(command.textContent); // as in Telegram, a command in a message is a link
  });
  connect();
  state.users = (await api("/control/chat/users")).users;
  const wanted = Number(new URLSearchParams(location.hash.slice(1)).get("user"));
  await selectUser(wanted || state.users[0].id);
  loadPreviews();
  loadCommands();
  // The bot registers its commands when it starts, which may be after the page was opened.
  setInterval(loadCommands, 15000);
  document.body.dataset.ready = "true";
}

start().catch((error) => toast(`could not start: ${error.message}`));
