// OaiqPixel development sandbox: a stand-in for the official pixel SDK (oaiq.min.js), served at /oaiq/sdk.js in
// Development only. It drains the loader's queue like the real SDK, sends nothing to OpenAI, logs every call to the
// browser console and reports it to the app (POST /oaiq/sdk-calls), where the /oaiq page sets it beside the
// Conversions API leg. Like the real SDK it honours oaiq("consent", false): measure calls are dropped, not reported
// as fired.
(function (w, d) {
    "use strict";
    var previous = w.oaiq;
    var queued = (previous && (previous.q || previous.queue)) || (Array.isArray(previous) ? previous : []);
    var script = d.currentScript;
    var reportUrl = new URL("sdk-calls", script && script.src ? script.src : w.location.href.replace(/[?#].*$/, "")).toString();
    var pageId = Math.random().toString(36).slice(2) + Date.now().toString(36);
    var consent = true;
    var outbox = [];
    var scheduled = false;
    var recorded = w.__oaiqCalls = [];
    var initialized = []; // pixel ids, in init order: measure goes to each, measureSingle to one (spec 1.7)

    function flush() {
        scheduled = false;
        if (outbox.length === 0) {
            return;
        }
        var body = JSON.stringify({ pageId: pageId, path: w.location.pathname, calls: outbox });
        outbox = [];
        try {
            w.fetch(reportUrl, { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: body })
                .catch(function () { /* the page still works without the sandbox */ });
        } catch (e) {
            if (w.navigator.sendBeacon) {
                w.navigator.sendBeacon(reportUrl, body);
            }
        }
    }

    function record(args, dropped) {
        var options = args[0] === "measure" ? args[3] : args[0] === "measureSingle" ? args[4] : undefined;
        var call = {
            command: String(args[0]),
            eventName: args[0] === "measure" ? args[1] : args[0] === "measureSingle" ? args[2] : undefined,
            eventId: options && (options.event_id || options.eventId) || undefined,
            customEventName: options && options.custom_event_name || undefined,
            pixels: args[0] === "measure" ? initialized.slice()
                : args[0] === "measureSingle" ? initialized.filter(function (p) { return p === args[1]; })
                : undefined,
            args: args,
            dropped: dropped,
            at: Date.now()
        };
        recorded.push(args);
        outbox.push(call);
        if (!scheduled) {
            scheduled = true;
            w.setTimeout(flush, 0);
        }
        (dropped ? console.warn : console.log)("[oaiq sandbox]" + (dropped ? " dropped (consent false)" : ""), JSON.stringify(args));
    }

    function oaiq() {
        var args = Array.prototype.slice.call(arguments);
        switch (args[0]) {
            case "consent":
                consent = args[1] === true;
                record(args, false);
                break;
            case "init":
                if (args[1] && typeof args[1].pixelId === "string" && initialized.indexOf(args[1].pixelId) < 0) {
                    initialized.push(args[1].pixelId);
                }
                record(args, false);
                break;
            case "measure":
                record(args, !consent);
                break;
            case "measureSingle":
                // The SDK loses an event for a pixel it has not initialized.
                record(args, !consent || initialized.indexOf(args[1]) < 0);
                break;
            default:
                record(args, false);
        }
    }

    oaiq.loaded = true;
    oaiq.version = "sandbox";
    w.oaiq = oaiq;
    w.addEventListener("pagehide", flush);
    for (var i = 0; i < queued.length; i++) {
        oaiq.apply(null, Array.prototype.slice.call(queued[i]));
    }
})(window, document);
