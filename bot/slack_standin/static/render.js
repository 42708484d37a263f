// Block Kit and mrkdwn rendering for the Slack stand-in's page (also loaded by Node tests).
// Everything a message, a modal or a Home tab says is escaped before any markup is added.
"use strict";

(function (root) {
  let directory = { users: {}, channels: [] };

  // The people and channels mentions are shown with (the page's last state).
  function use(data) {
    directory = { users: data.users || {}, channels: data.channels || [] };
  }

  // ---- text ---------------------------------------------------------------------------

  const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
  }

  function unslack(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function styled(raw) {
    return raw
      .split(/(```[\s\S]*?```|`[^`\n]+`)/)
      .map((part) => {
        if (part.length >= 6 && part.startsWith("```") && part.endsWith("```")) {
          return "<pre>" + esc(part.slice(3, -3)) + "</pre>";
        }
        if (part.length >= 2 && part.startsWith("`") && part.endsWith("`")) {
          return "<code>" + esc(part.slice(1, -1)) + "</code>";
        }
        let html = esc(part);
        const edge = "(?=$|[\\s).,!?:;'\"])";
        html = html.replace(new RegExp("(^|[\\s(])\\*([^*\\n]+)\\*" + edge, "g"), "$1<b>$2</b>");
        html = html.replace(new RegExp("(^|[\\s(])_([^_\\n]+)_" + edge, "g"), "$1<i>$2</i>");
        html = html.replace(new RegExp("(^|[\\s(])~([^~\\n]+)~" + edge, "g"), "$1<s>$2</s>");
        return html.replace(/\n/g, "<br>");
      })
      .join("");
  }

  function safeUrl(url) {
    return /^(https?:|mailto:)/i.test(url) ? url : null;
  }

  function token(body) {
    const bar = body.indexOf("|");
    const target = bar < 0 ? body : body.slice(0, bar);
    const label = bar < 0 ? "" : unslack(body.slice(bar + 1));
    const data = directory;
    if (target.startsWith("@")) {
      const user = data.users[target.slice(1)];
      return '<span class="mention">@' + esc(label || (user ? user.shown : target.slice(1))) + "</span>";
    }
    if (target.startsWith("#")) {
      const channel = data.channels.find((c) => c.id === target.slice(1));
      return '<span class="mention">#' + esc(label || (channel ? channel.name : target.slice(1))) + "</span>";
    }
    if (target.startsWith("!")) {
      const word = target.slice(1).split("^")[0];
      if (["here", "channel", "everyone"].includes(word)) {
        return '<span class="mention">@' + esc(word) + "</span>";
      }
      return esc(label || word);
    }
    const url = safeUrl(unslack(target));
    if (url) {
      return '<a href="' + esc(url) + '" target="_blank" rel="noopener noreferrer">' +
        esc(label || url) + "</a>";
    }
    return esc("<" + unslack(body) + ">");
  }

  // Slack's mrkdwn: HTML is escaped first, then <links>, <@mentions>, *bold*, _italic_,
  // ~strike~ and `code` become markup.
  function mrkdwn(text) {
    const source = String(text == null ? "" : text);
    const pattern = /<([^<>]+)>/g;
    const out = [];
    let last = 0;
    let match;
    while ((match = pattern.exec(source)) !== null) {
      out.push(styled(unslack(source.slice(last, match.index))));
      out.push(token(match[1]));
      last = pattern.lastIndex;
    }
    out.push(styled(unslack(source.slice(last))));
    return out.join("");
  }

  function textObject(obj) {
    if (!obj) return "";
    return obj.type === "mrkdwn" ? mrkdwn(obj.text) : esc(obj.text);
  }

  // ---- blocks -------------------------------------------------------------------------

  function dataAttrs(element, block, mode) {
    return ' data-action-id="' + esc(element.action_id || "") + '" data-block-id="' +
      esc(block.block_id || "") + '" data-kind="' + esc(element.type) + '" data-mode="' + mode + '"';
  }

  function optionTags(options, selected) {
    return (options || [])
      .map((o) => '<option value="' + esc(o.value) + '"' +
        (selected.includes(o.value) ? " selected" : "") + ">" + esc(o.text && o.text.text) + "</option>")
      .join("");
  }

  function initialValues(element) {
    if (element.initial_option) return [element.initial_option.value];
    if (element.initial_options) return element.initial_options.map((o) => o.value);
    for (const key of ["initial_user", "initial_conversation", "initial_channel"]) {
      if (element[key]) return [element[key]];
    }
    for (const key of ["initial_users", "initial_conversations", "initial_channels"]) {
      if (element[key]) return element[key];
    }
    return [];
  }

  function placeholder(element, fallback) {
    return esc((element.placeholder && element.placeholder.text) || fallback);
  }

  function control(element, block, mode) {
    const attrs = dataAttrs(element, block, mode);
    const kind = element.type;
    const selected = initialValues(element);
    const multiple = kind.startsWith("multi_") ? " multiple" : "";
    const data = directory;
    switch (kind) {
      case "button":
      case "workflow_button": {
        const style = element.style ? " " + esc(element.style) : "";
        return '<button type="button" class="btn' + style + '"' + attrs + ">" +
          esc(element.text && element.text.text) + "</button>";
      }
      case "static_select":
      case "multi_static_select": {
        let inner = multiple ? "" : '<option value="">' + placeholder(element, "Select…") + "</option>";
        inner += optionTags(element.options, selected);
        for (const group of element.option_groups || []) {
          inner += '<optgroup label="' + esc(group.label && group.label.text) + '">' +
            optionTags(group.options, selected) + "</optgroup>";
        }
        return "<select" + multiple + attrs + ">" + inner + "</select>";
      }
      case "overflow":
        return "<select" + attrs + '><option value="">⋯</option>' +
          optionTags(element.options, []) + "</select>";
      case "external_select":
      case "multi_external_select":
        return '<span class="external"><input type="search" class="ext-query" placeholder="' +
          placeholder(element, "Search…") + '"><button type="button" class="ext-search">Search</button>' +
          "<select" + multiple + attrs + ">" + optionTags(initialOptionsOf(element), selected) +
          "</select></span>";
      case "users_select":
      case "multi_users_select": {
        const people = Object.entries(data.users).filter(([, u]) => !u.is_bot);
        const inner = people.map(([id, u]) => '<option value="' + esc(id) + '"' +
          (selected.includes(id) ? " selected" : "") + ">" + esc(u.shown) + "</option>").join("");
        return "<select" + multiple + attrs + ">" +
          (multiple ? "" : '<option value="">' + placeholder(element, "Select a person") + "</option>") +
          inner + "</select>";
      }
      case "conversations_select":
      case "multi_conversations_select":
      case "channels_select":
      case "multi_channels_select": {
        const inner = data.channels.filter((c) => !c.is_im).map((c) => '<option value="' + esc(c.id) + '"' +
          (selected.includes(c.id) ? " selected" : "") + ">#" + esc(c.name) + "</option>").join("");
        return "<select" + multiple + attrs + ">" +
          (multiple ? "" : '<option value="">' + placeholder(element, "Select a channel") + "</option>") +
          inner + "</select>";
      }
      case "datepicker":
        return '<input type="date" value="' + esc(element.initial_date || "") + '"' + attrs + ">";
      case "timepicker":
        return '<input type="time" value="' + esc(element.initial_time || "") + '"' + attrs + ">";
      case "datetimepicker":
        return '<input type="datetime-local"' + attrs + ">";
      case "checkboxes":
      case "radio_buttons": {
        const type = kind === "checkboxes" ? "checkbox" : "radio";
        const name = "r-" + esc(block.block_id || "") + "-" + esc(element.action_id || "");
        const boxes = (element.options || []).map((o) => '<label><input type="' + type + '" name="' + name +
          '" value="' + esc(o.value) + '"' + (selected.includes(o.value) ? " checked" : "") + "> " +
          textObject(o.text) + "</label>").join("");
        return '<fieldset class="choices"' + attrs + ">" + boxes + "</fieldset>";
      }
      case "plain_text_input":
        if (element.multiline) {
          return '<textarea rows="4" placeholder="' + placeholder(element, "") + '"' + attrs + ">" +
            esc(element.initial_value || "") + "</textarea>";
        }
        return '<input type="text" placeholder="' + placeholder(element, "") + '" value="' +
          esc(element.initial_value || "") + '"' + attrs + ">";
      case "email_text_input":
      case "url_text_input":
      case "number_input": {
        const type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[kind];
        return '<input type="' + type + '" placeholder="' + placeholder(element, "") + '" value="' +
          esc(element.initial_value || "") + '"' + attrs + ">";
      }
      case "image":
        return '<span class="img-alt">[image: ' + esc(element.alt_text) + "]</span>";
      default:
        return '<span class="unsupported">[' + esc(kind) + "]</span>";
    }
  }

  function initialOptionsOf(element) {
    if (element.initial_option) return [element.initial_option];
    return element.initial_options || [];
  }

  function richText(element) {
    if (element.type === "text") return esc(element.text);
    if (element.type === "link") return token(element.url + (element.text ? "|" + element.text : ""));
    if (element.type === "user") return token("@" + element.user_id);
    if (element.type === "channel") return token("#" + element.channel_id);
    return (element.elements || []).map(richText).join("");
  }

  function renderBlock(block, errors) {
    const id = ' data-block-id="' + esc(block.block_id || "") + '"';
    switch (block.type) {
      case "header":
        return '<div class="block header"' + id + "><h3>" + esc(block.text && block.text.text) + "</h3></div>";
      case "divider":
        return '<hr class="block divider"' + id + ">";
      case "section": {
        let html = '<div class="block section"' + id + '><div class="section-body">';
        if (block.text) html += '<div class="section-text">' + textObject(block.text) + "</div>";
        if (block.fields) {
          html += '<div class="fields">' + block.fields.map((f) => "<div>" + textObject(f) + "</div>").join("") +
            "</div>";
        }
        html += "</div>";
        if (block.accessory) html += '<div class="accessory">' + control(block.accessory, block, "act") + "</div>";
        return html + "</div>";
      }
      case "context":
        return '<div class="block context"' + id + ">" + (block.elements || []).map((e) =>
          e.type === "image" ? '<span class="img-alt">[' + esc(e.alt_text) + "]</span>" : "<span>" + textObject(e) + "</span>"
        ).join(" ") + "</div>";
      case "actions":
        return '<div class="block actions"' + id + ">" +
          (block.elements || []).map((e) => control(e, block, "act")).join("") + "</div>";
      case "image":
        return '<figure class="block image"' + id + '><span class="img-alt">[image: ' + esc(block.alt_text) + "]</span>" +
          (block.title ? "<figcaption>" + esc(block.title.text) + "</figcaption>" : "") + "</figure>";
      case "input": {
        const error = errors && errors[block.block_id];
        const mode = block.dispatch_action ? "act" : "input";
        return '<div class="block input' + (error ? " has-error" : "") + '"' + id + "><label>" +
          esc(block.label && block.label.text) + (block.optional ? ' <span class="optional">(optional)</span>' : "") +
          "</label>" + control(block.element, block, mode) +
          (block.hint ? '<div class="hint">' + esc(block.hint.text) + "</div>" : "") +
          (error ? '<div class="input-error">' + esc(error) + "</div>" : "") + "</div>";
      }
      case "rich_text":
        return '<div class="block rich-text"' + id + ">" + (block.elements || []).map(richText).join("<br>") + "</div>";
      case "markdown":
        return '<div class="block markdown"' + id + ">" + esc(block.text) + "</div>";
      default:
        return '<div class="block unsupported"' + id + ">[" + esc(block.type) + " block]</div>";
    }
  }

  function renderBlocks(blocks, errors) {
    return (blocks || []).map((b) => renderBlock(b, errors)).join("");
  }

  const api = { use, esc, mrkdwn, textObject, renderBlocks, optionTags };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.StandinRender = api;
})(typeof window !== "undefined" ? window : globalThis);
