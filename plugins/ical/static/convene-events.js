/* <convene-events>: a Convene calendar's upcoming events on any web page.

   <script type="module" src="https://HOST/embed/convene-events.js"></script>
   <convene-events src="https://HOST/@alice/feed/json" limit="5"></convene-events>

   Attributes: src (a Convene JSON feed, required), limit (1 to 50, default 10),
   heading (the list's title; default: the feed's).
   Theme with CSS custom properties on the element or any ancestor:
     --convene-accent      links and the heading's rule   (default #0b57d0)
     --convene-text        text                           (default #1f2328)
     --convene-muted       times and places               (default #57606a)
     --convene-background  background                     (default #fff)
     --convene-font        font family                    (default system-ui)
     --convene-radius      corner radius                  (default 8px)
   Words follow the page's language (lang of the element or the page): English or French.
   Only `src` is fetched, without cookies; nothing else is loaded (no images, no fonts).
   No dependency; the feed's text is set as text, never as HTML. */

const WORDS = {
  en: { title: "Upcoming events", none: "No upcoming events.", failed: "The events could not be loaded.",
        loading: "Loading events…", online: "Online", cancelled: "Cancelled", tab: "(opens in a new tab)" },
  fr: { title: "Événements à venir", none: "Aucun événement à venir.", failed: "Les événements n’ont pas pu être chargés.",
        loading: "Chargement des événements…", online: "En ligne", cancelled: "Annulé", tab: "(s’ouvre dans un nouvel onglet)" },
};

const STYLE = `
:host { display: block; font-family: var(--convene-font, system-ui, sans-serif); color: var(--convene-text, #1f2328);
  background: var(--convene-background, #fff); border-radius: var(--convene-radius, 8px); padding: 0.75em 1em; line-height: 1.45; }
:host([hidden]) { display: none; }
h2 { font-size: 1.15em; margin: 0 0 0.5em; padding-bottom: 0.3em; border-bottom: 2px solid var(--convene-accent, #0b57d0); }
ul { list-style: none; margin: 0; padding: 0; }
li { padding: 0.5em 0; }
li + li { border-top: 1px solid color-mix(in srgb, var(--convene-muted, #57606a) 35%, transparent); }
a { color: var(--convene-accent, #0b57d0); font-weight: 600; }
a:focus-visible { outline: 3px solid var(--convene-accent, #0b57d0); outline-offset: 2px; }
.cancelled a { text-decoration: line-through; }
.badge { margin-inline-start: 0.4em; padding: 0 0.4em; border: 1px solid currentColor; border-radius: 4px; font-size: 0.85em; }
.meta { display: block; color: var(--convene-muted, #57606a); }
.hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { a { transition: color 0.2s; } }
`;

let sheet = null;

function styled(root) {
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    sheet = sheet || new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = STYLE;
    root.append(style);
  }
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function webAddress(value, base) {
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

function when(start, zone, language) {
  const moment = new Date(start);
  if (isNaN(moment)) return "";
  const options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit",
                    minute: "2-digit", timeZoneName: "short" };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone: zone }).format(moment);
  } catch {
    return new Intl.DateTimeFormat(language, options).format(moment);
  }
}

class ConveneEvents extends HTMLElement {
  static observedAttributes = ["src", "limit", "heading"];

  constructor() {
    super();
    styled(this.attachShadow({ mode: "open" }));
    this.requested = 0;
  }

  connectedCallback() {
    this.load();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.load();
  }

  get language() {
    return this.closest("[lang]")?.lang || navigator.language || "en";
  }

  get words() {
    return WORDS[this.language.toLowerCase().split("-")[0]] || WORDS.en;
  }

  show(...nodes) {
    const kept = [...this.shadowRoot.childNodes].filter((node) => node.localName === "style");
    this.shadowRoot.replaceChildren(...kept, ...nodes);
  }

  say(text) {
    this.show(el("p", { role: "status", textContent: text }));
  }

  async load() {
    const request = ++this.requested;
    const source = webAddress(this.getAttribute("src") || "", document.baseURI);
    if (!source) return this.say(this.words.failed);
    const limit = Math.min(Math.max(parseInt(this.getAttribute("limit"), 10) || 10, 1), 50);
    source.searchParams.set("limit", String(limit));
    this.say(this.words.loading);
    let feed;
    try {
      const answer = await fetch(source, { credentials: "omit", mode: "cors", headers: { Accept: "application/feed+json" } });
      if (!answer.ok) throw new Error(String(answer.status));
      feed = await answer.json();
    } catch {
      if (request === this.requested) this.say(this.words.failed);
      return;
    }
    if (request === this.requested) this.render(feed, source);
  }

  render(feed, source) {
    const words = this.words;
    const title = this.getAttribute("heading") || (typeof feed.title === "string" && feed.title) || words.title;
    const heading = el("h2", { id: "heading", textContent: title });
    const items = Array.isArray(feed.items) ? feed.items : [];
    if (!items.length) return this.show(heading, el("p", { textContent: words.none }));
    const list = el("ul");
    list.setAttribute("aria-labelledby", "heading");
    for (const item of items) {
      const extra = item._convene || {};
      const page = webAddress(extra.url || item.url, source);
      const name = String(item.title || "");
      const link = page ? el("a", { href: page.href, target: "_blank", rel: "noopener", textContent: name },
                             el("span", { className: "hidden", textContent: ` ${words.tab}` }))
                        : el("span", { textContent: name });
      const cancelled = extra.status === "cancelled";
      const time = el("time", { dateTime: String(extra.start || ""),
                                textContent: when(extra.start, extra.timezone, this.language) });
      const place = extra.place || (extra.online ? words.online : "");
      list.append(el("li", { className: cancelled ? "cancelled" : "" }, link,
        cancelled ? el("strong", { className: "badge", textContent: words.cancelled }) : null,
        el("span", { className: "meta" }, time), place ? el("span", { className: "meta", textContent: place }) : null));
    }
    this.show(heading, list);
  }
}

if (!customElements.get("convene-events")) customElements.define("convene-events", ConveneEvents);
