/* Haolinju's own script: small behaviours htmx does not cover. Loaded with `defer` after htmx,
   no inline code (the Content-Security-Policy forbids it). Without it every form still works
   by a plain submit. */
(function () {
  "use strict";

  /* Live search. A search box marked `data-live-search` asks its form to search (the `hl:search`
     event, debounced by the form's hx-trigger) when its text really changed:
     - not while a Chinese input method is composing (the pinyin "ye'zhu" is not a query), only
       once the characters are committed (compositionend);
     - text typed before the scripts were ready is searched as soon as they are, instead of being
       taken for the box's starting value and never searched. */
  function bindLiveSearch(input) {
    if (input.dataset.liveSearchBound) return;
    input.dataset.liveSearchBound = "1";
    var searched = input.defaultValue;
    function search() {
      if (input.value === searched) return;
      searched = input.value;
      input.dispatchEvent(new CustomEvent("hl:search", { bubbles: true }));
    }
    input.addEventListener("input", function (event) {
      if (!event.isComposing) search();
    });
    input.addEventListener("compositionend", search);
    search();
  }

  function setUp(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("[data-live-search]") : [];
    if (root.matches && root.matches("[data-live-search]")) bindLiveSearch(root);
    for (var i = 0; i < inputs.length; i++) bindLiveSearch(inputs[i]);
  }

  if (typeof window.htmx !== "undefined") {
    /* Called for the body once htmx has processed it (so its triggers listen), then for every
       swapped fragment. */
    window.htmx.onLoad(setUp);
  }
})();
