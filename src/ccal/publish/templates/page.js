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

  /* The reader's zone and a formatter for it, made when the first row shows: making them loads
     the browser's time zone and locale data (tens of milliseconds), which opening the page
     need not wait for. */
  var readerZone = null;
  var format = null;
  function readersClock() {
    if (readerZone !== null) { return; }
    readerZone = "";
    try { readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { }
    try {
      format = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric",
        month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch (e) { }
  }

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
    readersClock();
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

  /* Nothing is done per row at start: the page holds its rows in lists of at most 25, and only
     the rows of lists on screen get the reader's clock and tick each second. The months and
     their lists are found from <main>'s children down (a selector would walk every row). */
  var sections = [];
  var lists = [];
  var main = document.getElementById("dates");
  for (var section = main.firstElementChild; section; section = section.nextElementSibling) {
    if (section.className !== "month") { continue; }
    sections.push(section);
    for (var list = section.firstElementChild; list; list = list.nextElementSibling) {
      if (list.tagName === "OL") { lists.push(list); }
    }
  }
  var onScreen = new Set();
  function nowSeconds() { return Math.floor(Date.now() / 1000); }
  function update(list, now, first) {
    for (var row = list.firstElementChild; row; row = row.nextElementSibling) {
      if (first) { localTime(row); }
      if (!row.hidden) { tick(row, now); }
    }
  }
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (changes) {
      var now = nowSeconds();
      changes.forEach(function (change) {
        if (change.isIntersecting) {
          onScreen.add(change.target);
          update(change.target, now, true);
        } else {
          onScreen.delete(change.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    lists.forEach(function (list) { observer.observe(list); });
  } else {
    lists.forEach(function (list) { onScreen.add(list); update(list, nowSeconds(), true); });
  }
  setInterval(function () {
    var now = nowSeconds();
    onScreen.forEach(function (list) { update(list, now, false); });
  }, 1000);

  /* Filtering: every typed word must appear (as --search), the kind and the tag must match.
     The rows, their texts and tags are read on the first change, not when the page opens. */
  var form = document.getElementById("filters");
  var text = document.getElementById("f-text");
  var kind = document.getElementById("f-kind");
  var tag = document.getElementById("f-tag");
  var count = document.getElementById("f-count");
  function fold(value) {
    return value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var rows = null;
  var haystacks = null;
  var tagLists = null;
  function tagsOf(i) {
    if (tagLists === null) {
      tagLists = rows.map(function (row) {
        return JSON.parse(row.getAttribute("data-tags") || "[]").map(fold);
      });
    }
    return tagLists[i];
  }
  /* A list off screen is not laid out: it takes the height page.css gives it, which while
     filtering follows the rows it still shows, each as tall as a row on screen was when the
     first filter came (measured then, all rows shown). */
  var rowHeight = 0;
  function measureRows() {
    onScreen.forEach(function (seen) {
      if (!rowHeight && seen.childElementCount) {
        rowHeight = seen.getBoundingClientRect().height / seen.childElementCount;
      }
    });
    rowHeight = rowHeight || 160;
  }
  function placeholder(list, shown, filtering) {
    list.style.containIntrinsicBlockSize = filtering ? Math.ceil(shown * rowHeight) + "px" : "";
  }
  var pending = false;
  function apply() {
    pending = false;
    if (rows === null) {
      rows = [];
      lists.forEach(function (list) {
        for (var row = list.firstElementChild; row; row = row.nextElementSibling) { rows.push(row); }
      });
      haystacks = rows.map(function (row) { return row.getAttribute("data-search"); });
    }
    var words = fold(text.value).split(/\s+/).filter(Boolean);
    var wantKind = kind.value;
    var wantTag = fold(tag.value);
    var filtering = words.length > 0 || wantKind !== "" || wantTag !== "";
    if (filtering && !rowHeight) { measureRows(); }
    var shown = 0;
    var shownIn = new Map();
    rows.forEach(function (row, i) {
      var ok = (!wantKind || row.getAttribute("data-kind") === wantKind) &&
        (!wantTag || tagsOf(i).indexOf(wantTag) >= 0) &&
        words.every(function (word) { return haystacks[i].indexOf(word) >= 0; });
      if (row.hidden === ok) { row.hidden = !ok; }
      if (ok) {
        shown += 1;
        shownIn.set(row.parentNode, (shownIn.get(row.parentNode) || 0) + 1);
      }
    });
    lists.forEach(function (list) {
      var any = shownIn.get(list) || 0;
      if (list.hidden === (any > 0)) { list.hidden = any === 0; }
      if (any) { placeholder(list, any, filtering); }
    });
    sections.forEach(function (section) {
      var any = false;
      for (var list = section.firstElementChild; list && !any; list = list.nextElementSibling) {
        any = list.tagName === "OL" && !list.hidden;
      }
      if (section.hidden === any) { section.hidden = !any; }
    });
    var total = rows.length + (rows.length === 1 ? " date" : " dates");
    count.textContent = shown === rows.length ? total : shown + " of " + total + " shown";
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
  }
  var feeds = document.getElementById("subscribe");
  Array.prototype.forEach.call(feeds.querySelectorAll("input.copy"), function (input) {
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
