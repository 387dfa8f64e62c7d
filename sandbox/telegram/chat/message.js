// One message as a chat row: bubble (photo or file, text, time, "edited") and its inline keyboard.

import { renderEntities, renderTelegramHtml } from "./render.js";

const SAFE_BUTTON_URL = /^https?:\/\//i;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The message's words: text from its entities; a caption from the HTML the bot sent (see render.js). */
function body(message) {
  const box = element("div", "text");
  const hasMedia = Boolean(message.photo || message.document);
  if (!hasMedia && message.text) {
    box.append(renderEntities(message.text, message.entities));
  } else if (hasMedia && message.caption) {
    const html = (message.parse_mode || "").toLowerCase() === "html" && message.html;
    box.append(html ? renderTelegramHtml(message.html) : message.caption);
  } else {
    return null;
  }
  return box;
}

function media(message) {
  if (message.photo) {
    const link = element("a", "photo");
    link.href = message.photo.url;
    link.target = "_blank";
    link.rel = "noopener";
    const image = element("img");
    image.src = message.photo.url;
    image.alt = "photo";
    image.loading = "lazy";
    if (message.photo.width && message.photo.height) {
      // Known size up front: the chat does not jump when the image arrives.
      image.width = message.photo.width;
      image.height = message.photo.height;
    }
    link.append(image);
    return link;
  }
  if (message.document) {
    const link = element("a", "document", `📄 ${message.document.file_name || "file"}`);
    link.href = message.document.url;
    link.download = message.document.file_name || "";
    return link;
  }
  return null;
}

function keyboard(message, onPress) {
  if (!message.buttons?.length) return null;
  const box = element("div", "keyboard");
  for (const row of message.buttons) {
    const line = element("div", "keyboard-row");
    for (const button of row) {
      let key;
      if (button.callback_data != null) {
        key = element("button", "key", button.text);
        key.type = "button";
        key.dataset.callbackData = button.callback_data;
        key.addEventListener("click", () => onPress(message, button, key));
      } else if (button.url && SAFE_BUTTON_URL.test(button.url)) {
        key = element("a", "key url", button.text);
        key.href = button.url;
        key.target = "_blank";
        key.rel = "noopener noreferrer";
      } else {
        key = element("button", "key", button.text);
        key.disabled = true; // web apps, logins, inline queries: nothing to do in a sandbox
        key.title = "not available in the sandbox";
      }
      line.append(key);
    }
    box.append(line);
  }
  return box;
}

/**
 * A row for `message` (the control API's shape). `onPress(message, button, element)` is called for
 * callback buttons; `quote(messageId)` gives the text of a message replied to, if it is on screen.
 */
export function messageRow(message, { onPress, quote }) {
  const row = element("div", `row ${message.from_bot ? "from-bot" : "from-me"}`);
  row.dataset.messageId = String(message.message_id);
  const bubble = element("div", "bubble");
  if (message.reply_to_message_id != null) {
    const quoted = quote(message.reply_to_message_id);
    if (quoted !== null) bubble.append(element("div", "reply", quoted.slice(0, 120)));
  }
  const picture = media(message);
  if (picture) {
    bubble.classList.add("has-media");
    bubble.append(picture);
  }
  const words = body(message);
  if (words) bubble.append(words);
  const meta = element("div", "meta");
  if (message.edit_date) {
    const edited = element("span", "edited", "edited");
    edited.title = `edited at ${clock(message.edit_date)}`;
    meta.append(edited);
  }
  // Like Telegram: the time a message was sent, with "edited" beside it once changed.
  const time = element("time", "", clock(message.date));
  time.dateTime = new Date(message.date * 1000).toISOString();
  meta.append(time);
  bubble.append(meta);
  row.append(bubble);
  const keys = keyboard(message, onPress);
  if (keys) row.append(keys);
  return row;
}
