// The "side by side" view of the course website.
//
// sphinx-design draws each code cell as tabs (MXNet | PyTorch | TensorFlow)
// and keeps the tabs of all cells and pages in sync. This script adds what it
// lacks: a switch at the top of each section page between those tabs and a
// view with the three frameworks in columns, cell by cell. The choice is kept
// in the browser's local storage, and ?view=columns or ?view=tabs in the URL
// sets it. The columns themselves are drawn by d2lgan-site.css.
(function () {
  "use strict";
  const KEY = "d2lgan-view";
  const VIEWS = { tabs: "Tabs", columns: "Side by side" };
  const root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (err) {
      return null; // storage blocked: the switch still works for this page
    }
  }

  function remember(view) {
    try {
      window.localStorage.setItem(KEY, view);
    } catch (err) {
      // not remembered, nothing else to do
    }
  }

  function apply(view) {
    root.classList.toggle("d2lgan-columns", view === "columns");
    root.dataset.d2lganView = view;
    document.querySelectorAll(".d2lgan-view button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    });
  }

  // Run while <head> is parsed, so that the page is drawn in the right view.
  const asked = new URLSearchParams(window.location.search).get("view");
  if (asked in VIEWS) remember(asked);
  const initial = stored() in VIEWS ? stored() : "tabs";
  apply(initial);

  function addSwitch() {
    const article = document.querySelector("article");
    if (!article || !article.querySelector(".d2lgan-tracks")) return;
    const bar = document.createElement("div");
    bar.className = "d2lgan-view";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "How to show the three frameworks");
    for (const [view, label] of Object.entries(VIEWS)) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.view = view;
      button.textContent = label;
      button.addEventListener("click", () => {
        remember(view);
        apply(view);
      });
      bar.appendChild(button);
    }
    article.prepend(bar);
    apply(root.dataset.d2lganView);
  }

  document.addEventListener("DOMContentLoaded", addSwitch);
})();
