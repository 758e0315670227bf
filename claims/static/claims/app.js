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
