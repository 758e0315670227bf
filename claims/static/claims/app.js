// Article page: click a highlighted claim, or move with j/k and open with Enter.
(function () {
  "use strict";
  let current = -1;

  function tags() {
    return Array.from(document.querySelectorAll("#article-body a.tag[data-claim-id]"));
  }

  function mark(id) {
    document.querySelectorAll("#article-body .current").forEach((el) => el.classList.remove("current"));
    if (id) document.querySelectorAll(`#article-body [data-claim-id="${id}"]`).forEach((el) => el.classList.add("current"));
  }

  function move(step) {
    const all = tags();
    if (!all.length) return;
    const focused = all.indexOf(document.activeElement);
    if (focused !== -1) current = focused;
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all[current].focus();
    mark(all[current].dataset.claimId);
  }

  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.getElementById("article-body")) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    if (event.key === "k") { move(-1); event.preventDefault(); }
  });

  // A click on highlighted text opens its innermost claim through the claim's tag link.
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const span = target && target.closest("#article-body span.hl[data-claim-id]");
    if (!span) return;
    const link = document.querySelector(`#article-body a.tag[data-claim-id="${span.dataset.claimId}"]`);
    if (!link) return;
    current = tags().indexOf(link);
    mark(span.dataset.claimId);
    link.click();
  });

  // On narrow screens the panel sits below the article: bring it into view once it opens.
  document.addEventListener("htmx:afterSettle", (event) => {
    const panel = document.getElementById("claim-panel");
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!panel || !document.getElementById("article-body") || !(source instanceof Element)) return;
    if (source.matches("a.tag, .claim-list a") && window.matchMedia("(max-width: 60rem)").matches) {
      panel.scrollIntoView({ block: "start" });
    }
  });
})();

// A rewrite in the claim panel: pointing at it or focusing it highlights, in the article body,
// the mention it names and the words it replaced. Ranges come from body offsets, counted over
// the body's text without the claim tags the page adds, so the claim spans stay untouched.
(function () {
  "use strict";
  if (!(window.CSS && CSS.highlights && window.Highlight)) return;

  // Body offsets count code points (Python); DOM offsets count UTF-16 units.
  function unitsFor(text, codePoints) {
    let units = 0;
    for (const char of text) {
      if (codePoints-- <= 0) break;
      units += char.length;
    }
    return units;
  }

  function bodyRange(body, start, end) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest("a.tag") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const range = document.createRange();
    let seen = 0;
    let started = false;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = Array.from(node.data).length;
      if (!started && start < seen + length) {
        range.setStart(node, unitsFor(node.data, start - seen));
        started = true;
      }
      if (started && end <= seen + length) {
        range.setEnd(node, unitsFor(node.data, end - seen));
        return range;
      }
      seen += length;
    }
    return null;
  }

  function clear() {
    CSS.highlights.delete("rewrite-antecedent");
    CSS.highlights.delete("rewrite-words");
  }

  function show(item, scroll) {
    const body = document.getElementById("article-body");
    if (!body) return;
    const data = item.dataset;
    const antecedent = bodyRange(body, +data.antecedentStart, +data.antecedentEnd);
    const words = bodyRange(body, +data.start, +data.end);
    if (antecedent) CSS.highlights.set("rewrite-antecedent", new Highlight(antecedent));
    if (words) CSS.highlights.set("rewrite-words", new Highlight(words));
    if (scroll && antecedent) {
      const box = antecedent.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        antecedent.startContainer.parentElement.scrollIntoView({ block: "center" });
      }
    }
  }

  function rewriteOf(target) {
    return target instanceof Element ? target.closest("#claim-panel li[data-antecedent-start]") : null;
  }

  document.addEventListener("mouseover", (event) => {
    const item = rewriteOf(event.target);
    if (item) show(item, false);
  });
  document.addEventListener("mouseout", (event) => {
    if (rewriteOf(event.target) && rewriteOf(event.relatedTarget) !== rewriteOf(event.target)) clear();
  });
  document.addEventListener("focusin", (event) => {
    const item = rewriteOf(event.target);
    if (item) show(item, true);
  });
  document.addEventListener("focusout", (event) => {
    if (rewriteOf(event.target) && rewriteOf(event.relatedTarget) !== rewriteOf(event.target)) clear();
  });
  // A swapped panel or body leaves the highlighted ranges pointing at text that is gone.
  document.addEventListener("htmx:beforeSwap", clear);
})();
