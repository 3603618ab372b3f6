// Development stand-in for https://bzrcdn.openai.com/sdk/oaiq.min.js: logs every oaiq(...) call instead of sending it.
(function (w) {
    var queued = (w.oaiq && w.oaiq.q) || [];
    var calls = [];
    function oaiq() {
        var args = Array.prototype.slice.call(arguments);
        calls.push(args);
        console.log("[oaiq dev stub]", JSON.stringify(args));
    }
    oaiq.calls = calls;
    oaiq.loaded = true;
    oaiq.version = "dev-stub";
    w.oaiq = oaiq;
    for (var i = 0; i < queued.length; i++) {
        oaiq.apply(null, Array.prototype.slice.call(queued[i]));
    }
})(window);
