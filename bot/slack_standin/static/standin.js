// The Slack stand-in's page: plain JavaScript, no build step.
// It reads /ui/state (long-polled with ?since=<version>) and acts through POST /ui/*.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const page = {
    user: "",
    channel: "",
    tab: "channel",
    version: -1,
    data: null,
    modalKey: "",
    poll: null,
  };

  const { esc, optionTags, renderBlocks, mrkdwn } = window.StandinRender;

  // ---- controls -----------------------------------------------------------------------

  function readControl(node) {
    const kind = node.dataset.kind;
    if (node.tagName === "FIELDSET") {
      const checked = Array.from(node.querySelectorAll("input:checked")).map((i) => i.value);
      return kind === "checkboxes" ? checked : (checked[0] || null);
    }
    if (node.tagName === "SELECT" && node.multiple) {
      return Array.from(node.selectedOptions).map((o) => o.value);
    }
    if (kind === "datetimepicker") {
      return node.value ? Math.floor(Date.parse(node.value) / 1000) : null;
    }
    return node.value === "" ? null : node.value;
  }

  function collectValues(root) {
    const values = {};
    root.querySelectorAll('[data-mode="input"], .block.input [data-mode="act"]').forEach((node) => {
      const block = node.dataset.blockId;
      values[block] = values[block] || {};
      values[block][node.dataset.actionId] = readControl(node);
    });
    return values;
  }

  // ---- talking to the stand-in --------------------------------------------------------

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    showStatus(answer);
    return answer;
  }

  function showStatus(answer) {
    const status = $("status");
    if (answer.error) {
      status.textContent = "Error: " + answer.error;
      status.className = "fail";
    } else if (answer.failure) {
      status.textContent = "The bot did not answer: " + answer.failure;
      status.className = "fail";
    } else if (answer.status != null) {
      status.textContent = "The bot answered " + answer.status + " in " + answer.elapsed + " s";
      status.className = answer.ok ? "ok" : "fail";
    } else {
      status.textContent = "Sent";
      status.className = "ok";
    }
  }

  function targetOf(node) {
    const view = node.closest("[data-view-id]");
    if (view) return { view_id: view.dataset.viewId, values: collectValues(view) };
    const message = node.closest("[data-ts]");
    return { channel: message.dataset.channel, ts: message.dataset.ts };
  }

  function act(node, value) {
    const body = Object.assign(
      { user: page.user, action_id: node.dataset.actionId, block_id: node.dataset.blockId || null, value: value },
      targetOf(node)
    );
    return post("/ui/action", body);
  }

  function onClick(event) {
    const button = event.target.closest('button[data-kind][data-mode="act"]');
    if (button) {
      act(button, null);
      return;
    }
    const search = event.target.closest(".ext-search");
    if (search) {
      const wrapper = search.closest(".external");
      const select = wrapper.querySelector("select");
      const body = Object.assign(
        { user: page.user, action_id: select.dataset.actionId, block_id: select.dataset.blockId || null,
          query: wrapper.querySelector(".ext-query").value },
        targetOf(select)
      );
      post("/ui/options", body).then((answer) => {
        select.innerHTML = optionTags(answer.options || [], []);
      });
    }
  }

  function onChange(event) {
    const node = event.target.closest('[data-kind][data-mode="act"]');
    if (!node || node.tagName === "BUTTON") return;
    const value = readControl(node);
    if (value === null || (Array.isArray(value) && value.length === 0 && node.dataset.kind === "overflow")) return;
    act(node, value);
  }

  // ---- rendering ----------------------------------------------------------------------

  function author(message) {
    const data = page.data;
    if (message.user === "USLACKBOT") return "Slackbot";
    const user = data.users[message.user];
    const name = user ? user.shown : message.user;
    return message.bot_id ? name + ' <span class="app-badge">APP</span>' : esc(name);
  }

  function renderMessage(message, replies) {
    const time = new Date(parseFloat(message.ts) * 1000).toLocaleTimeString();
    const content = message.blocks && message.blocks.length
      ? renderBlocks(message.blocks, null)
      : '<div class="text">' + mrkdwn(message.text) + "</div>";
    const unfurls = (message.unfurls || []).map((u) =>
      '<div class="unfurl"><div class="unfurl-url">' + esc(u.url) + "</div>" +
      (u.content.blocks ? renderBlocks(u.content.blocks, null) : mrkdwn(u.content.text || u.content.title || "")) +
      "</div>").join("");
    const thread = replies.length
      ? '<div class="replies">' + replies.map((r) => renderMessage(r, [])).join("") + "</div>"
      : "";
    return '<div class="message' + (message.ephemeral ? " ephemeral" : "") + '" data-ts="' + esc(message.ts) +
      '" data-channel="' + esc(page.channel) + '"><div class="meta"><span class="author">' + author(message) +
      '</span> <span class="time">' + esc(time) + "</span>" +
      (message.ephemeral ? ' <span class="badge">Only visible to you</span>' : "") +
      (message.edited ? ' <span class="edited">(edited)</span>' : "") + "</div>" + content + unfurls + thread + "</div>";
  }

  function renderMessages() {
    const messages = page.data.messages;
    const replies = {};
    const top = [];
    for (const m of messages) {
      if (m.thread_ts && m.thread_ts !== m.ts) {
        (replies[m.thread_ts] = replies[m.thread_ts] || []).push(m);
      } else {
        top.push(m);
      }
    }
    const list = $("messages");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
    list.innerHTML = top.map((m) => renderMessage(m, replies[m.ts] || [])).join("") ||
      '<p class="empty">No messages yet.</p>';
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function renderModal() {
    const modal = page.data.modal;
    const box = $("modal");
    if (!modal) {
      box.hidden = true;
      page.modalKey = "";
      return;
    }
    box.hidden = false;
    const key = modal.id + ":" + modal.hash;
    const form = $("modal-form");
    form.dataset.viewId = modal.id;
    if (key !== page.modalKey) {
      page.modalKey = key;
      $("modal-title").textContent = modal.title ? modal.title.text : "";
      $("modal-blocks").innerHTML = renderBlocks(modal.blocks, modal.errors);
      $("modal-submit").hidden = !modal.submit;
      $("modal-submit").textContent = modal.submit ? modal.submit.text : "Submit";
      $("modal-close").textContent = modal.close ? modal.close.text : "Close";
    }
    $("modal-blocks").querySelectorAll(".block.input").forEach((node) => {
      const error = modal.errors[node.dataset.blockId];
      node.classList.toggle("has-error", Boolean(error));
      let shown = node.querySelector(".input-error");
      if (error && !shown) {
        shown = document.createElement("div");
        shown.className = "input-error";
        node.appendChild(shown);
      }
      if (shown) shown.textContent = error || "";
    });
    $("modal-errors").textContent = modal.failure || "";
  }

  function renderHome() {
    const home = page.data.home;
    const box = $("home");
    if (!home) {
      box.removeAttribute("data-view-id");
      box.innerHTML = '<p class="empty">The app has not published a Home tab for you yet.</p>';
      return;
    }
    box.dataset.viewId = home.id;
    box.innerHTML = renderBlocks(home.blocks, null);
  }

  function renderSelectors() {
    const data = page.data;
    $("team-name").textContent = data.team.name;
    const userSelect = $("user-select");
    const people = Object.entries(data.users).filter(([, u]) => !u.is_bot);
    if (userSelect.options.length !== people.length) {
      userSelect.innerHTML = people.map(([id, u]) =>
        '<option value="' + esc(id) + '">' + esc(u.real_name) + " (@" + esc(u.name) + ")</option>").join("");
    }
    userSelect.value = page.user;
    const mine = data.channels.filter((c) => c.is_member);
    const channelSelect = $("channel-select");
    const wanted = mine.map((c) => c.id).join(",");
    if (channelSelect.dataset.ids !== wanted) {
      channelSelect.dataset.ids = wanted;
      channelSelect.innerHTML = mine.map((c) => '<option value="' + esc(c.id) + '">' +
        (c.is_im ? "" : c.is_private ? "🔒 " : "#") + esc(c.name) + "</option>").join("");
    }
    channelSelect.value = page.channel;
  }

  function renderLog() {
    $("log").innerHTML = page.data.calls.slice().reverse().map((c) =>
      '<li class="' + (c.ok ? "ok" : "fail") + '">' + esc(c.method) + " → " + esc(c.ok ? "ok" : c.error) + "</li>").join("");
    $("deliveries").innerHTML = page.data.deliveries.slice().reverse().map((d) =>
      "<li>" + esc(d) + "</li>").join("");
  }

  function apply(data) {
    page.data = data;
    window.StandinRender.use(data);
    page.version = data.version;
    const people = Object.entries(data.users).filter(([, u]) => !u.is_bot).map(([id]) => id);
    if (!people.includes(page.user)) {
      page.user = people[0] || "";
      return false;
    }
    const mine = data.channels.filter((c) => c.is_member).map((c) => c.id);
    if (!mine.includes(page.channel)) {
      page.channel = mine[0] || "";
      return false;
    }
    renderSelectors();
    renderMessages();
    renderModal();
    renderHome();
    renderLog();
    return true;
  }

  // ---- polling ------------------------------------------------------------------------

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // Ask for the state again at once (after a change of user or channel).
  function refresh() {
    page.version = -1;
    if (page.poll) page.poll.abort();
  }

  async function pollForever() {
    for (;;) {
      const user = page.user;
      const channel = page.channel;
      const controller = new AbortController();
      page.poll = controller;
      try {
        const query = "/ui/state?user=" + encodeURIComponent(user) + "&channel=" +
          encodeURIComponent(channel) + "&since=" + page.version;
        const response = await fetch(query, { signal: controller.signal });
        const data = await response.json();
        if (user !== page.user || channel !== page.channel || !apply(data)) page.version = -1;
      } catch (error) {
        if (error.name !== "AbortError") await sleep(1000);
      }
    }
  }

  // ---- wiring -------------------------------------------------------------------------

  function showTab(tab) {
    page.tab = tab;
    $("tab-channel").classList.toggle("active", tab === "channel");
    $("tab-home").classList.toggle("active", tab === "home");
    $("channel-view").hidden = tab !== "channel";
    $("home").hidden = tab !== "home";
    if (tab === "home") post("/ui/home", { user: page.user });
  }

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    if (text.startsWith("/")) {
      post("/ui/command", { user: page.user, channel: page.channel, text: text });
    } else {
      post("/ui/message", { user: page.user, channel: page.channel, text: text });
    }
  });

  $("modal-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const viewId = $("modal-form").dataset.viewId;
    post("/ui/submit", { user: page.user, view_id: viewId, values: collectValues($("modal-blocks")) })
      .then((answer) => {
        if (answer.error) $("modal-errors").textContent = answer.error;
      });
  });

  $("modal-close").addEventListener("click", () => {
    post("/ui/close", { user: page.user, view_id: $("modal-form").dataset.viewId });
  });

  $("user-select").addEventListener("change", (event) => {
    page.user = event.target.value;
    page.channel = "";
    page.modalKey = "";
    refresh();
    if (page.tab === "home") post("/ui/home", { user: page.user });
  });

  $("channel-select").addEventListener("change", (event) => {
    page.channel = event.target.value;
    refresh();
  });

  $("tab-channel").addEventListener("click", () => showTab("channel"));
  $("tab-home").addEventListener("click", () => showTab("home"));

  for (const id of ["messages", "home", "modal-blocks"]) {
    $(id).addEventListener("click", onClick);
    $(id).addEventListener("change", onChange);
  }

  pollForever();
})();
