// agentlab report: the trial list, its filters, and the trajectory viewer.
// Plain JS, no network. Data is only ever inserted as text (text nodes, textContent,
// setAttribute), never as markup: whatever a model or a sandbox wrote shows literally.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const trials = JSON.parse(document.getElementById("trial-data").textContent);
  const byId = new Map(trials.map((t) => [t.id, t]));
  const loaded = new Map();
  const viewer = document.getElementById("viewer");
  const statusFilter = document.getElementById("status-filter");
  const categoryFilter = document.getElementById("category-filter");
  const textFilter = document.getElementById("text-filter");
  const tbody = document.querySelector("#trial-list tbody");
  let current = null;

  // el("div", {class: "x"}, "text", child): an element; strings become text nodes
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    return node;
  }

  // -- the list and its filters -------------------------------------------------------------

  function options(select, values) {
    const counts = new Map();
    for (const v of values) if (v) counts.set(v, (counts.get(v) || 0) + 1);
    for (const [value, n] of [...counts].sort()) select.appendChild(el("option", {value}, `${value} (${n})`));
  }

  function matches(t) {
    const text = textFilter.value.trim().toLowerCase();
    return (!statusFilter.value || t.outcome === statusFilter.value)
      && (!categoryFilter.value || t.category === categoryFilter.value)
      && (!text || [t.id, t.task, t.strategy, t.model].some((s) => s.toLowerCase().includes(text)));
  }

  function renderList() {
    const rows = [];
    for (const t of trials) {
      if (!matches(t)) continue;
      const row = el("tr", {"data-id": t.id, class: t.id === current ? "selected" : null},
        el("td", {}, t.task), el("td", {}, t.strategy), el("td", {}, t.model),
        el("td", {class: "num"}, t.seed), el("td", {}, badge(t.outcome)),
        el("td", {}, t.category || (t.error ? "unreadable" : "")));
      row.addEventListener("click", () => { location.hash = "trial=" + encodeURIComponent(t.id); });
      rows.push(row);
    }
    tbody.replaceChildren(...rows);
    document.getElementById("shown").textContent = `${rows.length} of ${trials.length} trials`;
  }

  function badge(outcome) {
    return el("span", {class: "badge " + outcome}, outcome);
  }

  // -- opening a trial ----------------------------------------------------------------------

  window.agentlabTrial = function (data) {
    loaded.set(data.id, data);
    if (data.id === current) render(data);
  };

  function open(id) {
    const t = byId.get(id);
    current = id;
    for (const row of tbody.querySelectorAll("tr")) row.classList.toggle("selected", row.dataset.id === id);
    if (!t) {
      viewer.replaceChildren(el("p", {class: "error"}, `No trial ${id} in this run.`));
      return;
    }
    if (loaded.has(id)) return render(loaded.get(id));
    if (!t.file) return render(t);
    viewer.replaceChildren(el("p", {class: "hint"}, `Loading ${t.id}…`));
    const script = el("script", {src: "trials/" + encodeURIComponent(t.file)});
    script.onerror = () => viewer.replaceChildren(
      el("p", {class: "error"}, `Could not load trials/${t.file}: the report is incomplete.`));
    document.body.appendChild(script);
  }

  function fromHash() {
    const match = /^#trial=(.+)$/.exec(location.hash);
    if (!match) return;
    open(decodeURIComponent(match[1]));
    viewer.scrollIntoView({block: "start"});
  }

  // -- the viewer ---------------------------------------------------------------------------

  function render(data) {
    const head = el("div", {class: "trial-head"},
      el("h3", {}, `${data.task} · ${data.strategy} · ${data.model} · seed ${data.seed}`),
      el("dl", {}, field("trial", data.id), field("status", badge(data.outcome)),
        data.trajectory ? field("end", data.trajectory.end_reason || "—") : null,
        data.trajectory ? field("duration", `${(data.trajectory.duration_s || 0).toFixed(2)} s`) : null,
        field("tokens", (data.tokens || 0).toLocaleString()),
        data.parent ? field("counterfactual of", link(data.parent), ` from step ${data.from_step}`) : null));
    const parts = [head];
    if (data.error) parts.push(el("pre", {class: "error"}, data.error));
    if (data.category) {
      parts.push(el("p", {class: "failure"}, `Failure: ${data.category}`,
        data.step !== null ? el("a", {href: "#", "data-step": data.step, class: "jump"}, ` at step ${data.step}`) : null,
        data.detail ? ` — ${data.detail}` : null));
    }
    const traj = data.trajectory;
    if (!traj) {
      if (!data.error) parts.push(el("p", {class: "hint"}, `This trial is ${data.outcome}: nothing recorded yet.`));
      viewer.replaceChildren(...parts);
      return;
    }
    parts.push(...trajectory(traj, "", data.step));
    viewer.replaceChildren(...parts);
    for (const a of viewer.querySelectorAll("a.jump")) {
      a.addEventListener("click", (event) => {
        event.preventDefault();
        const step = document.getElementById("step-" + a.dataset.step);
        if (step) step.scrollIntoView({block: "center"});
      });
    }
  }

  function field(name, ...value) {
    return el("div", {}, el("dt", {}, name), el("dd", {}, ...value));
  }

  function link(id) {
    return el("a", {href: "#trial=" + encodeURIComponent(id)}, id);
  }

  // A trajectory (the trial's, or a branch's under `prefix`): scores, cost, answer, drawings,
  // steps, branches and messages.
  function trajectory(traj, prefix, failedStep) {
    const parts = [];
    if (traj.scores && traj.scores.length) parts.push(section("Scores", scores(traj.scores)));
    if (traj.cost && Object.keys(traj.cost).length) parts.push(section("Cost by role", cost(traj.cost)));
    if (traj.answer !== null && traj.answer !== undefined) parts.push(section("Answer", text(traj.answer)));
    if (traj.patch) parts.push(section("Patch (the workspace's changes)", text(traj.patch)));
    if (traj.error) parts.push(section("Error", el("pre", {class: "error"}, traj.error)));
    if (traj.tree) parts.push(section("Branches", drawing(traj.tree, prefix)));
    const steps = traj.steps.map((s, i) => step(s, i, prefix, failedStep));
    parts.push(section(`Steps (${steps.length})`, steps.length ? steps : el("p", {class: "hint"}, "no steps")));
    if (traj.branches && traj.branches.length) {
      parts.push(section(`Branches (${traj.branches.length})`, traj.branches.map((b, i) => branch(b, i, prefix))));
    }
    if (traj.messages && traj.messages.length) {
      const box = el("details", {class: "messages"}, el("summary", {}, `Conversation (${traj.messages.length} messages)`));
      box.addEventListener("toggle", () => {
        if (box.open && box.children.length === 1) box.append(...traj.messages.map(message));
      });
      parts.push(box);
    }
    return parts;
  }

  // A branch, drawn when first opened (a search may hold many).
  function branch(b, i, prefix) {
    const key = `${prefix}${i}`;
    const score = (b.scores || []).find((s) => s.value !== null);
    const box = el("details", {class: "branch", id: "branch-" + key},
      el("summary", {}, `branch ${key} · ${b.steps.length} steps · ${b.end_reason || b.status}`,
        score ? ` · ${score.judge} ${score.value}` : ""));
    box.addEventListener("toggle", () => {
      if (box.open && box.children.length === 1) box.append(el("div", {class: "nested"}, ...trajectory(b, key + ".", null)));
    });
    return box;
  }

  function section(title, ...content) {
    return el("section", {class: "part"}, el("h4", {}, title), ...content);
  }

  function step(s, i, prefix, failedStep) {
    const id = `${prefix}${i}`;
    const usage = s.usage ? `${s.usage.prompt_tokens} + ${s.usage.completion_tokens} tokens (${s.usage.role})` : "";
    const role = s.inputs && s.inputs.role ? s.inputs.role : "";
    const box = el("div", {class: `step ${s.kind}` + (!prefix && i === failedStep ? " failed-here" : "") + (s.error ? " has-error" : ""),
      id: "step-" + id},
      el("div", {class: "step-head"}, el("span", {class: "n"}, `#${id}`), el("span", {class: "kind"}, s.kind),
        role ? el("span", {class: "role"}, role) : null,
        el("span", {class: "usage"}, usage), el("span", {class: "time"}, `${(s.duration_s || 0).toFixed(3)} s`)));
    box.append(...body(s, prefix));
    if (s.error) box.append(el("pre", {class: "error"}, s.error));
    return box;
  }

  function body(s, prefix) {
    const out = s.outputs || {}, inp = s.inputs || {};
    if (s.kind === "model_call") {
      const parts = [];
      const m = out.message;
      if (out.thought && (!m || out.thought !== m.content)) parts.push(labelled("thought", text(out.thought)));
      if (m) parts.push(message(m));
      return parts;
    }
    if (s.kind === "tool_call") {
      const name = inp.name || inp.tool || "";
      const parts = [el("div", {class: "call"}, el("span", {class: "tool"}, name || "tool"),
        inp.line ? el("code", {}, " " + inp.line) : null)];
      if (inp.arguments !== undefined) parts.push(args(inp.arguments));
      else if (inp.args) parts.push(args(inp.args));
      else if (inp.command) parts.push(labelled("command", text(inp.command)));
      if (out.output !== undefined) parts.push(labelled(out.error === true ? "observation (error)" : "observation", text(String(out.output))));
      if (out.status) parts.push(el("p", {class: "meta"}, `status ${out.status}`));
      return parts;
    }
    if (s.kind === "plan") {
      const parts = [];
      if (s.drawing) parts.push(drawing(s.drawing, prefix));
      if (out.plan) parts.push(labelled("plan", text(out.plan)));
      if (out.problems && out.problems.length) parts.push(labelled("problems", text(out.problems.join("\n"))));
      if (out.verdict) parts.push(labelled("verdict", text(JSON.stringify(out.verdict, null, 2))));
      if (out.critical_path) parts.push(el("p", {class: "meta"}, `critical path ${out.critical_path.map((n) => "$" + n).join(" → ")}`,
        ` · ${Number(out.critical_path_s || 0).toFixed(2)} s of a ${Number(out.makespan_s || 0).toFixed(2)} s makespan`));
      if (out.nodes) parts.push(el("p", {class: "meta"}, `${out.nodes.length} nodes, chosen ${out.chosen}`));
      return parts;
    }
    return [raw(inp, "inputs"), raw(out, "outputs")].filter(Boolean);
  }

  function raw(obj, name) {
    return obj && Object.keys(obj).length ? labelled(name, text(JSON.stringify(obj, null, 2))) : null;
  }

  function message(m) {
    const parts = [el("div", {class: "role-line"}, m.role + (m.name ? ` (${m.name})` : "") + (m.tool_call_id ? ` → ${m.tool_call_id}` : ""))];
    if (m.content) parts.push(text(m.content));
    for (const call of m.tool_calls || []) {
      parts.push(el("div", {class: "call"}, el("span", {class: "tool"}, call.name), el("span", {class: "meta"}, ` ${call.id}`)), args(call.arguments));
    }
    return el("div", {class: "message " + m.role}, ...parts);
  }

  // Tool arguments: each value on its own (a multi-line command or patch reads as itself).
  function args(value) {
    let parsed = value;
    if (typeof value === "string") {
      try { parsed = JSON.parse(value); } catch (e) { return labelled("arguments (not JSON)", text(value)); }
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return labelled("arguments", text(JSON.stringify(parsed)));
    return el("div", {class: "args"}, ...Object.entries(parsed).map(([k, v]) =>
      labelled(k, text(typeof v === "string" ? v : JSON.stringify(v, null, 2)))));
  }

  function labelled(name, content) {
    return el("div", {class: "labelled"}, el("span", {class: "label"}, name), content);
  }

  // Text as a <pre>; one that looks like a diff gets its lines coloured.
  function text(value) {
    const s = String(value);
    const diff = /^diff --git /m.test(s) || /^@@ .*@@/m.test(s) || (/^--- /m.test(s) && /^\+\+\+ /m.test(s));
    if (!diff) return el("pre", {}, s);
    return el("pre", {class: "diff"}, ...s.split("\n").map((line) => {
      const kind = /^(diff --git|index |--- |\+\+\+ )/.test(line) ? "file" : line.startsWith("@@") ? "hunk"
        : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
      return el("span", {class: kind}, line + "\n");
    }));
  }

  function scores(list) {
    return el("table", {class: "scores"}, el("thead", {}, el("tr", {}, ["judge", "value", "passed", "rationale"].map((h) => el("th", {}, h)))),
      el("tbody", {}, list.map((s) => [
        el("tr", {}, el("td", {}, s.judge), el("td", {class: "num"}, s.value === null ? "missing" : String(s.value)),
          el("td", {}, s.passed ? "yes" : "no"), el("td", {}, s.error ? `error: ${s.error}` : s.rationale || "")),
        ...(s.items || []).map((item) => el("tr", {class: "item"}, el("td", {}, "☐ item"),
          el("td", {}, item.met === null ? "?" : item.met ? "met" : "not met"), el("td", {}, ""),
          el("td", {}, item.text + (item.rationale ? ` — ${item.rationale}` : "")))),
      ]).flat()));
  }

  function cost(byRole) {
    const head = ["role", "calls", "prompt", "completion", "cached", "USD", "FLOPs", "sandbox CPU s", "sandbox wall s"];
    return el("table", {class: "cost"}, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
      el("tbody", {}, Object.entries(byRole).map(([role, c]) => el("tr", {}, el("td", {}, role),
        ...[c.calls, c.prompt_tokens, c.completion_tokens, c.cached_tokens].map((n) => el("td", {class: "num"}, n)),
        el("td", {class: "num"}, c.usd === null ? `unpriced (${(c.unpriced || []).join(", ")})` : "$" + c.usd.toFixed(4)),
        el("td", {class: "num"}, c.flops === null ? "unknown" : c.flops.toExponential(2)),
        el("td", {class: "num"}, c.sandbox_cpu_s.toFixed(2)), el("td", {class: "num"}, c.sandbox_wall_s.toFixed(2))))));
  }

  // A search tree or plan DAG laid out by the report (boxes at x, y; edges as lines).
  function drawing(d, prefix) {
    const [w, h] = d.box;
    const root = svg("svg", {class: "drawing " + d.kind, width: d.width, height: d.height, viewBox: `0 0 ${d.width} ${d.height}`});
    for (const e of d.edges) root.appendChild(svg("line", {x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, class: e.critical ? "edge critical" : "edge"}));
    for (const n of d.nodes) {
      const g = svg("g", {class: `node ${n.state}${n.critical ? " critical" : ""}${n.branch !== null ? " link" : ""}`, transform: `translate(${n.x},${n.y})`});
      const title = svg("title", {});
      title.textContent = n.title;
      const label = svg("text", {x: w / 2, y: h / 2 + 4, "text-anchor": "middle"});
      label.textContent = n.label;
      g.append(title, svg("rect", {width: w, height: h, rx: 5}), label);
      if (n.branch !== null) g.addEventListener("click", () => {
        const box = document.getElementById(`branch-${prefix}${n.branch}`);
        if (box) { box.open = true; box.scrollIntoView({block: "center"}); }
      });
      root.appendChild(g);
    }
    return el("div", {class: "drawing-box"}, root);
  }

  // -- start --------------------------------------------------------------------------------

  options(statusFilter, trials.map((t) => t.outcome));
  options(categoryFilter, trials.map((t) => t.category));
  for (const input of [statusFilter, categoryFilter, textFilter]) input.addEventListener("input", renderList);
  renderList();
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
