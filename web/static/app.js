// stakemap's read-only page: lists the workspaces a token can read and shows
// each one's findings and maps. The token stays in sessionStorage (gone when
// the tab closes) and travels only in the Authorization header; maps are
// fetched with it and shown through blob: URLs.
"use strict";

const T = {
  nl: {
    intro: "Stakeholderkaarten per leertraject: wie heeft belang, wie heeft invloed, wie ontbreekt er.",
    tokenLabel: "Toegangstoken", tokenUse: "Gebruiken", tokenForget: "Vergeten",
    tokenHint: "Het token blijft alleen in dit tabblad bewaard.",
    workspaces: "Werkruimtes", findings: "Bevindingen", noFindings: "Geen bevindingen.",
    maps: "Kaarten", loading: "Laden…", noWorkspaces: "Dit token geeft toegang tot geen enkele werkruimte.",
    badToken: "Dit token wordt niet geaccepteerd.", needToken: "Vul een toegangstoken in.",
    failed: "Laden mislukt", download: "Download",
    kinds: { stakeholders: "Stakeholderkaart", grid: "Belang–invloedmatrix", dependencies: "Afhankelijkheden" },
  },
  en: {
    intro: "Stakeholder maps per learning trajectory: who has an interest, who has influence, who is missing.",
    tokenLabel: "Access token", tokenUse: "Use", tokenForget: "Forget",
    tokenHint: "The token is kept in this tab only.",
    workspaces: "Workspaces", findings: "Findings", noFindings: "No findings.",
    maps: "Maps", loading: "Loading…", noWorkspaces: "This token gives access to no workspace.",
    badToken: "This token is not accepted.", needToken: "Enter an access token.",
    failed: "Loading failed", download: "Download",
    kinds: { stakeholders: "Stakeholder map", grid: "Power–interest grid", dependencies: "Dependencies" },
  },
};

const MAP_KINDS = ["stakeholders", "grid", "dependencies"];
const FORMATS = ["svg", "png", "pdf", "dot"];
const $ = (id) => document.getElementById(id);
const blobs = [];

let lang = sessionStorage.getItem("stakemap.lang") || (document.documentElement.lang === "en" ? "en" : "nl");
let langChosen = sessionStorage.getItem("stakemap.lang") !== null;
let workspaces = [];
let current = null;

function t(key) { return T[lang][key]; }

function applyLang() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
}

function status(msg) { $("status").textContent = msg || ""; }

function token() { return sessionStorage.getItem("stakemap.token") || ""; }

async function api(path) {
  const res = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  if (!res.ok) {
    let msg = res.status + " " + res.statusText;
    try { msg = (await res.json()).error.message; } catch (_) { /* not JSON */ }
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return res;
}

function wsPath(ws) { return "/api/v1/workspaces/" + encodeURIComponent(ws); }

async function loadWorkspaces() {
  if (!token()) { status(t("needToken")); return; }
  status(t("loading"));
  try {
    workspaces = (await (await api("/api/v1/workspaces")).json()).workspaces;
  } catch (e) {
    status(e.status === 401 ? t("badToken") : t("failed") + ": " + e.message);
    return;
  }
  status(workspaces.length ? "" : t("noWorkspaces"));
  const list = $("ws-list");
  list.replaceChildren();
  for (const w of workspaces) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = w.name || w.id;
    b.dataset.ws = w.id;
    b.addEventListener("click", () => { location.hash = encodeURIComponent(w.id); });
    li.append(b);
    list.append(li);
  }
  $("workspaces").hidden = workspaces.length === 0;
  const fromHash = decodeURIComponent(location.hash.slice(1));
  const pick = workspaces.find((w) => w.id === fromHash) || workspaces[0];
  if (pick) showWorkspace(pick);
}

async function showWorkspace(w) {
  current = w;
  if (!langChosen && (w.language === "nl" || w.language === "en") && w.language !== lang) {
    lang = w.language;
    applyLang();
  }
  for (const b of document.querySelectorAll("#ws-list button")) b.setAttribute("aria-current", String(b.dataset.ws === w.id));
  $("workspace").hidden = false;
  $("ws-name").textContent = w.name || w.id;
  await Promise.all([loadFindings(w), loadMaps(w)]);
}

async function loadFindings(w) {
  const ul = $("findings");
  ul.replaceChildren();
  $("findings-empty").hidden = true;
  try {
    const { findings } = await (await api(wsPath(w.id) + "/findings?lang=" + lang)).json();
    for (const f of findings) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = f.code;
      li.append(code, document.createTextNode(f.message || f.subject));
      ul.append(li);
    }
    $("findings-empty").hidden = findings.length > 0;
  } catch (e) {
    status(t("failed") + ": " + e.message);
  }
}

async function blobURL(path) {
  const url = URL.createObjectURL(await (await api(path)).blob());
  blobs.push(url);
  return url;
}

async function download(w, kind, format) {
  try {
    const a = document.createElement("a");
    a.href = await blobURL(wsPath(w.id) + "/maps/" + kind + "." + format + "?lang=" + lang + "&download=true");
    a.download = w.id + "-" + kind + "." + format;
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    status(t("failed") + ": " + e.message);
  }
}

async function loadMaps(w) {
  while (blobs.length) URL.revokeObjectURL(blobs.pop());
  const box = $("maps");
  box.replaceChildren();
  await Promise.all(MAP_KINDS.map(async (kind) => {
    const fig = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = t("kinds")[kind];
    const img = document.createElement("img");
    img.alt = t("kinds")[kind] + " — " + (w.name || w.id);
    const dl = document.createElement("div");
    dl.className = "downloads";
    for (const format of FORMATS) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = format.toUpperCase();
      b.setAttribute("aria-label", t("download") + " " + t("kinds")[kind] + " " + format.toUpperCase());
      b.addEventListener("click", () => download(w, kind, format));
      dl.append(b);
    }
    fig.append(cap, img, dl);
    box.append(fig);
    try {
      img.src = await blobURL(wsPath(w.id) + "/maps/" + kind + ".svg?lang=" + lang);
    } catch (e) {
      img.alt = t("failed") + ": " + e.message;
    }
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  applyLang();
  $("token").value = token();
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem("stakemap.token", $("token").value.trim());
    loadWorkspaces();
  });
  $("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem("stakemap.token");
    $("token").value = "";
    $("workspaces").hidden = true;
    $("workspace").hidden = true;
    status(t("needToken"));
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      lang = b.dataset.lang;
      langChosen = true;
      sessionStorage.setItem("stakemap.lang", lang);
      applyLang();
      if (current) showWorkspace(current);
    });
  }
  window.addEventListener("hashchange", () => {
    const w = workspaces.find((x) => x.id === decodeURIComponent(location.hash.slice(1)));
    if (w) showWorkspace(w);
  });
  if (token()) loadWorkspaces();
});
