// OaiqPixel for Blazor Web Apps: the page carries its pixel calls as data (<script type="application/json"
// data-oaiq-page>, written by <OaiqPixel />), and this module applies them once per event id — on the full load, after
// each enhanced navigation or enhanced form post, after each streaming-rendering update, and when an interactive circuit
// hands it a call through JS interop (measure()). Blazor patches the DOM without running scripts; this module watches
// the DOM instead, so the pixel keeps no inline script and needs no 'unsafe-inline' or 'unsafe-eval' (the <script
// type="module"> tag that loads it carries the request's CSP nonce, which it copies onto the SDK's <script>).
const selector = "script[type='application/json'][data-oaiq-page]";

// One state per document, whichever URL loaded this module (the <script> tag and a circuit's import() may name it
// differently, e.g. through an import map's fingerprinted URL): an event id is measured once per document.
const state = window.__oaiqPixel || (window.__oaiqPixel = {
  measured: new Set(),   // event ids already measured: a re-sent call is not measured again
  seenText: new WeakMap(), // data element -> the text last applied, so an unchanged element costs nothing
  initialized: {},       // pixel id -> its init arguments applied, as JSON: a changed user object is applied again
  consent: null,         // the consent last applied (true / false), or null before any
  visitor: null,         // the newest page's protected visitor context, read by an interactive circuit
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

// The key an event's call is applied once under: its event id, and for the data layer's pushes a key of their own (with
// Oaiq:BrowserLeg Both the pixel's measure and the pushes share one event id, and each is applied once).
function eventKeyOf(call) {
  if (call[0] === "dataLayer") {
    for (const push of call.slice(1)) {
      if (push && push.oaiq && typeof push.oaiq.event_id === "string") {
        return "dataLayer:" + push.oaiq.event_id;
      }
    }
    return null;
  }
  const options = call[0] === "measure" ? call[3] : call[0] === "measureSingle" ? call[4] : undefined;
  return options && typeof options.event_id === "string" ? options.event_id : null;
}

// Applies pixel calls: consent when it changes, init when its arguments change, each measure once per event id.
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
      const id = eventKeyOf(call);
      if (id === null || state.measured.has(id)) {
        continue;
      }
      state.measured.add(id);
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
    if (typeof page.visitor === "string") {
      state.visitor = page.visitor;
    }
    if (typeof page.sdk === "string") {
      load(page.sdk);
    }
    if (Array.isArray(page.calls)) {
      apply(page.calls);
    }
  }
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
 * Applies pixel calls handed over by an interactive circuit (JS interop), once per event id.
 * @param {string} callsJson A JSON array of calls, each the arguments of one oaiq(...) call.
 */
export async function measure(callsJson) {
  await ready;
  scan();
  apply(JSON.parse(callsJson));
}

/** The newest page's protected visitor context (oppref, consent, user agent, …), or null. */
export async function visitor() {
  await ready;
  scan();
  return state.visitor;
}
