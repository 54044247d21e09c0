/* ccal publish: live countdowns, the reader's own clock, filtering as you type. The page is
   complete without this script; it only brings those three to life. The countdown wording
   mirrors ccal's (spans.countdown_dhms, spans.under_way_text, timefmt.time_left, the
   timeline.countdown_target rule); a browser test compares the two on the same moments. */
(function () {
  "use strict";

  function dhms(seconds) {
    var s = Math.abs(seconds);
    var parts = [[Math.floor(s / 86400), "d"], [Math.floor(s % 86400 / 3600), "h"],
      [Math.floor(s % 3600 / 60), "min"], [s % 60, "s"]];
    while (parts.length > 1 && parts[0][0] === 0) { parts.shift(); }
    return parts.map(function (p) { return p[0] + " " + p[1]; }).join(" ");
  }

  function countdown(seconds) {
    if (seconds > 0) { return "in " + dhms(seconds); }
    return seconds === 0 ? "due now" : dhms(seconds) + " ago";
  }

  /* Where an entry stands at ``now`` (epoch seconds): timefmt.time_left with countdown_dhms. */
  function left(at, due, start, end, now) {
    if (start !== null && start <= now && now <= end) {
      return end - now === 0 ? "under way, ends now" : "under way, ends " + countdown(end - now);
    }
    if (due < now) { return "passed " + countdown(due - now); }
    /* timeline.countdown_target: a range still ahead counts down to its start (an all-day
       conference to the start of its first day, not the end of it), anything else to ``at``. */
    if (start !== null && now < start) { return countdown(start - now); }
    return countdown(at - now);
  }

  function number(row, name) {
    var value = row.getAttribute("data-" + name);
    return value === null ? null : parseInt(value, 10);
  }

  var rows = Array.prototype.slice.call(document.querySelectorAll("li.entry"));
  var readerZone = "";
  try { readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { }
  var format = null;
  try {
    format = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short",
      year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  } catch (e) { }

  function tick(row, now) {
    var span = row.querySelector(".left");
    var at = number(row, "at");
    var due = number(row, "due");
    var text = left(at, due === null ? at : due, number(row, "start"), number(row, "end"), now);
    if (span.textContent !== text) { span.textContent = text; }
    /* The "next" badge was true when the site was published; once that date has passed it no
       longer is, and "passed 3 h ago" beside "next" would contradict itself. */
    var next = row.querySelector(".badge.next");
    if (next && !next.hidden && (due === null ? at : due) < now) { next.hidden = true; }
  }

  function localTime(row) {
    if (row.hasAttribute("data-local") || !format || !readerZone) { return; }
    row.setAttribute("data-local", "");
    if (readerZone === row.getAttribute("data-zone")) { return; }
    var allDay = row.hasAttribute("data-all-day");
    var due = number(row, "due");
    var moment = new Date(1000 * (allDay && due !== null ? due : number(row, "at")));
    var out = document.createElement("span");  /* not in the HTML: a page of 10,000 dates
      parses faster for every element it does not hold */
    out.className = "local";
    out.textContent = (allDay ? "Ends " : "") + format.format(moment) +
      " your time (" + readerZone + ")";
    row.querySelector(".when").appendChild(out);
  }

  /* Only rows on screen tick: a page of 10,000 dates stays light. */
  var visible = new Set();
  function nowSeconds() { return Math.floor(Date.now() / 1000); }
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (changes) {
      var now = nowSeconds();
      changes.forEach(function (change) {
        if (change.isIntersecting) {
          visible.add(change.target);
          localTime(change.target);
          tick(change.target, now);
        } else {
          visible.delete(change.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    rows.forEach(function (row) { observer.observe(row); });
  } else {
    rows.forEach(function (row) { visible.add(row); localTime(row); });
  }
  setInterval(function () {
    var now = nowSeconds();
    visible.forEach(function (row) { tick(row, now); });
  }, 1000);

  /* Filtering: every typed word must appear (as --search), the kind and the tag must match. */
  var form = document.getElementById("filters");
  var text = document.getElementById("f-text");
  var kind = document.getElementById("f-kind");
  var tag = document.getElementById("f-tag");
  var count = document.getElementById("f-count");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.month"));
  function fold(value) {
    return value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var haystacks = null;  /* read on first use, as the tags: opening the page stays quick */
  function haystackOf(i) {
    if (haystacks === null) {
      haystacks = rows.map(function (row) { return row.getAttribute("data-search"); });
    }
    return haystacks[i];
  }
  var tagLists = null;
  function tagsOf(i) {
    if (tagLists === null) {
      tagLists = rows.map(function (row) {
        return JSON.parse(row.getAttribute("data-tags") || "[]").map(fold);
      });
    }
    return tagLists[i];
  }
  var pending = false;
  function apply() {
    pending = false;
    var words = fold(text.value).split(/\s+/).filter(Boolean);
    var wantKind = kind.value;
    var wantTag = fold(tag.value);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = (!wantKind || row.getAttribute("data-kind") === wantKind) &&
        (!wantTag || tagsOf(i).indexOf(wantTag) >= 0) &&
        words.every(function (word) { return haystackOf(i).indexOf(word) >= 0; });
      if (row.hidden === ok) { row.hidden = !ok; }
      if (ok) { shown += 1; }
    });
    sections.forEach(function (section) {
      var any = section.querySelector("li.entry:not([hidden])") !== null;
      if (section.hidden === any) { section.hidden = !any; }
    });
    count.textContent = shown === rows.length ? rows.length + " dates" :
      shown + " of " + rows.length + " dates shown";
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(apply); }
  }
  if (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    text.addEventListener("input", schedule);
    kind.addEventListener("change", schedule);
    tag.addEventListener("change", schedule);
    count.textContent = rows.length + " dates";
  }
  Array.prototype.forEach.call(document.querySelectorAll("input.copy"), function (input) {
    input.addEventListener("focus", function () { input.select(); });
    var button = input.parentNode.querySelector(".copy-button");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() { button.textContent = "Copied"; }
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { });
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });

  window.ccalPage = Object.freeze({ countdown: countdown, left: left });
  if (window.performance && performance.mark) { performance.mark("ccal-ready"); }
}());
