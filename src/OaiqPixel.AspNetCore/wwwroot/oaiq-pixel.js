// OaiqPixel for Blazor Web Apps: the page carries its pixel calls as data (<script type="application/json"
// data-oaiq-page>, written by <OaiqPixel />, and one <script type="application/json" data-oaiq-events> per <OaiqEvent />
// rendered after it, where it stands), and this module applies each event's call once — on the full load, after
// each enhanced navigation or enhanced form post, after each streaming-rendering update, and when an interactive circuit
// hands it a call through JS interop (measure()). Blazor patches the DOM without running scripts; this module watches
// the DOM instead, so the pixel keeps no inline script and needs no 'unsafe-inline' or 'unsafe-eval' (the <script
// type="module"> tag that loads it carries the request's CSP nonce, which it copies onto the SDK's <script>).
const selector = "script[type='application/json'][data-oaiq-page],script[type='application/json'][data-oaiq-events]";

// One state per document, whichever URL loaded this module (the <script> tag and a circuit's import() may name it
// differently, e.g. through an import map's fingerprinted URL): an event's call is applied once per document.
const state = window.__oaiqPixel || (window.__oaiqPixel = {
  measured: new Set(),   // keys of the event calls already applied (eventKeyOf): a re-sent call is not measured again
  seenText: new WeakMap(), // data element -> the text last applied, so an unchanged element costs nothing
  initialized: {},       // pixel id -> its init arguments applied, as JSON: a changed user object is applied again
  consent: null,         // the consent last applied (true / false), or null before any
  pageSeen: false,       // whether a page's pixel data (data-oaiq-page) was seen in this document
  pageView: false,       // whether the newest page's pixel data measured page_viewed (an event's element never does)
  navigation: null,      // "request" once Blazor started an enhanced navigation, "none" while it has not, null unknown
  started: false,
});

function moduleNonce() {
  for (const script of document.querySelectorAll("script[type='module'][src][data-oaiq-module]")) {
    return script.nonce || script.getAttribute("nonce") || "";
  }
  return "";
}

// The official loader (spec §1.1): a queueing oaiq stub, then the SDK injected asynchronously; nothing if oaiq exists.
function load(sdkUrl) {
  const w = window;
  if (w.oaiq) {
    return;
  }
  const q = function () { q.q.push(arguments); };
  q.q = [];
  w.oaiq = q;
  const js = document.createElement("script");
  js.async = true;
  js.src = sdkUrl;
  const nonce = moduleNonce();
  if (nonce) {
    js.nonce = nonce;
  }
  const first = document.getElementsByTagName("script")[0];
  (first && first.parentNode ? first.parentNode : document.head).insertBefore(js, first || null);
}

// The key an event's call is applied once under: the spec's deduplication key (§5: pixel, event name or custom event
// name, event id) with the command, so one id sent to two pixels with measureSingle, or shared by two event names,
// reaches the SDK for each; the data layer's pushes have keys of their own (with Oaiq:BrowserLeg Both the pixel's measure
// and the pushes share one event id, and each is applied once). Null: not an event's call.
function eventKeyOf(call) {
  if (call[0] === "dataLayer") {
    for (const push of call.slice(1)) {
      const event = push && push.oaiq;
      if (event && typeof event.event_id === "string") {
        return JSON.stringify(["dataLayer", event.pixel_id || null, event.event_name || null, event.custom_event_name || null, event.event_id]);
      }
    }
    return null;
  }
  const single = call[0] === "measureSingle";
  if (!single && call[0] !== "measure") {
    return null;
  }
  const options = single ? call[4] : call[3];
  if (!options || typeof options.event_id !== "string") {
    return null;
  }
  return JSON.stringify([call[0], single ? call[1] : null, single ? call[2] : call[1], options.custom_event_name || null, options.event_id]);
}

// Applies pixel calls: consent when it changes, init when its arguments change, each event's call once (eventKeyOf).
function apply(calls) {
  for (const call of calls) {
    if (!Array.isArray(call) || call.length === 0) {
      continue;
    }
    if (call[0] === "consent") {
      if (state.consent === call[1]) {
        continue;
      }
      state.consent = call[1];
    } else if (call[0] === "init") {
      // One entry per pixel: several pixels each keep their own init (spec 1.7).
      const text = JSON.stringify(call[1]);
      const pixel = call[1] && typeof call[1].pixelId === "string" ? call[1].pixelId : "";
      if (state.initialized[pixel] === text) {
        continue;
      }
      state.initialized[pixel] = text;
    } else {
      const key = eventKeyOf(call);
      if (key === null || state.measured.has(key)) {
        continue;
      }
      state.measured.add(key);
      if (call[0] === "dataLayer") {
        // A tag manager's data layer (Oaiq:BrowserLeg DataLayer or Both): the pushes as the server wrote them.
        const layer = window.dataLayer = window.dataLayer || [];
        layer.push.apply(layer, call.slice(1));
        continue;
      }
    }
    if (window.oaiq) {
      window.oaiq.apply(null, call);
    }
  }
}

function scan() {
  for (const element of document.querySelectorAll(selector)) {
    const text = element.textContent || "";
    if (state.seenText.get(element) === text) {
      continue;
    }
    state.seenText.set(element, text);
    let page;
    try {
      page = JSON.parse(text);
    } catch {
      continue; // not ours, or cut short: the page still works
    }
    // The page's own data (one per page) says what the page is; an event's element (data-oaiq-events), later in the
    // document, only adds its calls, applied after the pixel's init as the document orders them.
    const pixelData = element.hasAttribute("data-oaiq-page");
    if (pixelData) {
      state.pageSeen = true;
      if (typeof page.sdk === "string") {
        load(page.sdk);
      }
    }
    if (Array.isArray(page.calls)) {
      if (pixelData) {
        state.pageView = page.calls.some(c => Array.isArray(c) && c[0] === "measure" && c[1] === "page_viewed");
      }
      apply(page.calls);
    }
  }
}

// Whether Blazor changes pages by requests: it announces each enhanced navigation (a link, a form post, back/forward,
// NavigationManager without an interactive router) before it fetches the page — and before it tells a circuit the
// address changed. An interactive router changes pages in its circuit and announces nothing.
function watchNavigation() {
  const blazor = window.Blazor;
  if (!blazor || typeof blazor.addEventListener !== "function") {
    return; // blazor.web.js not started yet (autostart="false"), or not on the page: unknown
  }
  // Loaded after the document left its first address: a circuit's import() on a document whose first page had no pixel
  // data (the <script> tag would have loaded this module). Any pixel data it finds came with an enhanced navigation, as an
  // interactive router never changes the static <head>: pages change by requests.
  const first = performance.getEntriesByType("navigation")[0];
  const late = first && first.name.split("#")[0] !== location.href.split("#")[0];
  state.navigation = late ? "request" : "none";
  blazor.addEventListener("enhancednavigationstart", () => { state.navigation = "request"; });
}

let scheduled = false;
function schedule() {
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => { scheduled = false; scan(); });
  }
}

function start() {
  if (state.started) {
    return;
  }
  state.started = true;
  watchNavigation();
  scan();
  // Enhanced navigation, enhanced forms and streaming rendering replace or edit the data element in place.
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
}

// A prerendered page (Speculation Rules) measures when the visitor opens it, as the inline pixel does.
const ready = new Promise(resolve => {
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", () => resolve(), { once: true });
  } else {
    resolve();
  }
});
ready.then(start);

/**
 * Applies pixel calls handed over by an interactive circuit (JS interop), each event's call once (eventKeyOf).
 * @param {string} callsJson A JSON array of calls, each the arguments of one oaiq(...) call.
 */
export async function measure(callsJson) {
  await ready;
  scan();
  apply(JSON.parse(callsJson));
}

/**
 * How this document changes pages, for an interactive circuit told the address changed while no interactive
 * <OaiqPixel /> runs in it: "request" (enhanced navigation: each page's request measures it), "circuit" (an interactive
 * router: nothing else measures the change; the pages' data measure page_viewed), "circuit-no-view" (the same, but the
 * pages' data do not measure page_viewed), "unknown" (Blazor's navigation events were not observable), or "no-pixel" (no
 * page in this document carried pixel data: nothing to measure with).
 * @returns {Promise<string>}
 */
export async function navigation() {
  await ready;
  scan();
  if (!state.pageSeen) {
    return "no-pixel";
  }
  if (state.navigation === "request") {
    return "request";
  }
  if (state.navigation === null) {
    return "unknown";
  }
  return state.pageView ? "circuit" : "circuit-no-view";
}
