// The join page works without this script. It only adds: times in the
// reader's own time zone, a live "Starts in …" state, and Copy buttons.
// Words and durations match joinwords.go.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var start = new Date($("start").dateTime), end = new Date($("end").dateTime);

  // Local time, with the UTC line kept below it.
  var fmt = new Intl.DateTimeFormat(undefined, {
    weekday: "short", year: "numeric", month: "short", day: "numeric",
    hour: "numeric", minute: "2-digit", timeZoneName: "short"
  });
  var zone = fmt.resolvedOptions().timeZone;
  if (zone && zone !== "UTC" && zone !== "Etc/UTC") {
    // formatRange names one zone for both ends: across a change of
    // daylight saving time that shows one end an hour off (or drops it).
    var sameOffset = start.getTimezoneOffset() === end.getTimezoneOffset();
    $("when-local").textContent = fmt.formatRange && sameOffset ? fmt.formatRange(start, end) : fmt.format(start) + " – " + fmt.format(end);
    $("when-local").hidden = false;
    $("when-utc").className = "when utc";
    $("zone").textContent = "Your time zone: " + zone + " · ";
    $("zone").hidden = false;
  }

  // The state, kept current while the page is open.
  function plural(n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); }
  function optional(n, unit) { return n === 0 ? "" : " " + plural(n, unit); }
  function span(ms) {
    var mins = Math.floor(ms / 60000), hours = Math.floor(mins / 60), days = Math.floor(hours / 24);
    if (days >= 7) { return plural(days, "day"); }
    if (days > 0) { return plural(days, "day") + optional(hours % 24, "hour"); }
    if (hours > 0) { return plural(hours, "hour") + optional(mins % 60, "minute"); }
    if (mins > 0) { return plural(mins, "minute"); }
    return "less than a minute";
  }
  var state = $("state");
  function tick() {
    var now = Date.now(), s = "upcoming", text;
    if (now < start) { text = "Starts in " + span(start - now); }
    else if (now < end) { s = "live"; text = "In progress"; }
    else { s = "ended"; text = "Ended"; }
    state.className = "state " + s;
    if (state.textContent !== text) { state.textContent = text; }
  }
  tick();
  setInterval(tick, 10000);

  // Copy buttons: the Clipboard API where the page is a secure context,
  // else a selected textarea and execCommand. The status line is a live
  // region, so screen readers hear "Copied …".
  var status = $("copy-status");
  function legacyCopy(text) {
    var t = document.createElement("textarea");
    t.value = text;
    t.setAttribute("readonly", "");
    t.className = "offscreen";
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (b) {
    var label = b.textContent, timer;
    b.hidden = false;
    b.addEventListener("click", function () {
      var what = b.getAttribute("data-what");
      function done(ok) {
        b.textContent = ok ? "Copied" : "Copy failed";
        status.textContent = "";
        setTimeout(function () {
          status.textContent = ok ? "Copied the " + what + "." : "Could not copy the " + what + "; select it and copy it yourself.";
        }, 50);
        clearTimeout(timer);
        timer = setTimeout(function () { b.textContent = label; }, 3000);
      }
      copy(b.getAttribute("data-copy")).then(function () { done(true); }, function () { done(false); });
    });
  });
})();
