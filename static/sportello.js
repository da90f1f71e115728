// Refusals and errors are shown in the action panel instead of being dropped (htmx 2
// does not swap 4xx/5xx answers by default).
htmx.config.responseHandling = [
    {code: "204", swap: false},
    {code: "[23]..", swap: true},
    {code: "[45]..", swap: true, error: true, target: "#action-panel"},
];

// The console from the keyboard: `/` goes to the lookup box, arrows walk its results, a
// record opened from it has its actions under the focus, an action panel takes the focus
// while open and gives it back when closed (Escape, Cancel or done).
(function () {
    "use strict";
    var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
    var FOCUSABLE = "a[href], button:not([disabled]), " + FIELDS;
    var FROM_LOOKUP = "sportello-opened-from-lookup";
    var opener = null;  // what opened the action panel, to give the focus back to
    var openerRow = null;  // the list row it was on, which the outcome may replace

    function panel() { return document.getElementById("action-panel"); }
    function lookupBox() { return document.querySelector("[data-testid=lookup]"); }
    function lookupResults() { return document.getElementById("lookup-results"); }

    function visible(element) { return element.offsetParent !== null || element.getClientRects().length > 0; }
    function first(root, selector) {
        return Array.prototype.find.call(root.querySelectorAll(selector), visible) || null;
    }

    function typing(element) {
        if (!element || element === document.body) return false;
        if (element.isContentEditable) return true;
        var tag = element.tagName;
        if (tag === "TEXTAREA" || tag === "SELECT") return true;
        return tag === "INPUT" && !/^(button|submit|reset|checkbox|radio|file|image|range|color)$/i.test(element.type);
    }

    // The opener if it is still there; else, its row having been replaced by its updated
    // copy, the same button there or the outcome under it.
    function giveFocusBack() {
        var target = opener;
        var row = openerRow;
        opener = openerRow = null;
        if (target && !target.isConnected && target.dataset.testid) {
            target = document.querySelector("[data-testid='" + target.dataset.testid + "']");
        }
        if (!target && row) {
            var updated = document.querySelector("tr[data-sa-pk='" + row + "']");
            var next = updated && updated.nextElementSibling;
            target = next && next.querySelector("[data-testid=outcome]");
            if (target) target.tabIndex = -1;
        }
        if (!target || !target.isConnected) target = document.getElementById("main-content");
        if (target) target.focus();
    }

    function closePanel() {
        var element = panel();
        if (!element || !element.innerHTML.trim()) return false;
        element.innerHTML = "";
        element.removeAttribute("aria-labelledby");
        giveFocusBack();
        return true;
    }

    function focusPanel(element) {
        var heading = first(element, "h1, h2, h3, h4, h5, h6");
        if (heading) {
            heading.id = heading.id || "action-panel-title";
            element.setAttribute("aria-labelledby", heading.id);
        }
        var target = first(element, ".is-invalid") || first(element, FIELDS) || first(element, "button, a[href]");
        if (!target) {  // an outcome alone: the panel itself, read out whole
            element.tabIndex = -1;
            target = element;
        }
        target.focus();
    }

    // The results of the lookup box: ArrowDown from the box to the first, arrows between
    // them, ArrowUp from the first or Escape back to the box.
    function walkResults(event) {
        var results = lookupResults();
        var box = lookupBox();
        if (!results || !box) return false;
        var items = Array.prototype.filter.call(results.querySelectorAll(FOCUSABLE), visible);
        var at = items.indexOf(document.activeElement);
        var inBox = document.activeElement === box;
        if (!inBox && at < 0) return false;
        if (event.key === "Escape" && results.innerHTML.trim()) {
            results.innerHTML = "";
            box.focus();
            return true;
        }
        if (event.key === "ArrowDown" && items.length) {
            items[Math.min(at + 1, items.length - 1)].focus();
            return true;
        }
        if (event.key === "ArrowUp" && !inBox) {
            (at > 0 ? items[at - 1] : box).focus();
            return true;
        }
        return false;
    }

    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
        if (walkResults(event)) {
            event.preventDefault();
            return;
        }
        if (event.key === "Escape" && closePanel()) {
            event.preventDefault();
            return;
        }
        if (event.key === "/" && !typing(document.activeElement) && !document.querySelector(".modal.show")) {
            var box = lookupBox();
            if (box) {
                event.preventDefault();
                box.focus();
                box.select();
            }
        }
    });

    document.addEventListener("click", function (event) {
        if (event.target.closest("[data-sportello-close]")) closePanel();
        if (event.target.closest("#lookup-results a[href]:not([hx-get])")) sessionStorage.setItem(FROM_LOOKUP, "1");
    });

    document.addEventListener("submit", function (event) {
        if (event.target.matches("[data-testid=lookup-form]")) sessionStorage.setItem(FROM_LOOKUP, "1");
    });

    document.addEventListener("htmx:beforeRequest", function (event) {
        var element = panel();
        var source = event.detail.elt;
        if (element && event.detail.target === element && !element.contains(source)) {
            opener = source;
            var row = source.closest("tr[data-sa-pk]");
            openerRow = row ? row.getAttribute("data-sa-pk") : null;
        }
    });

    document.addEventListener("htmx:afterSettle", function (event) {
        var element = panel();
        if (!element) return;
        if (event.detail.target === element && element.innerHTML.trim()) {
            focusPanel(element);
        } else if (!element.innerHTML.trim() && opener && !element.contains(document.activeElement)) {
            giveFocusBack();  // done: the panel was emptied by the outcome
        }
        var results = lookupResults();
        if (results && event.detail.target === results) nameResults(results);
    });

    // The lookup's list of results is named for screen readers.
    function nameResults(results) {
        results.querySelectorAll("[role=listbox]:not([aria-label]):not([aria-labelledby])").forEach(function (list) {
            list.setAttribute("aria-label", results.dataset.label);
        });
    }

    // A record opened from the lookup box: its actions are the next thing the operator does.
    function focusOpenedRecord() {
        if (!sessionStorage.getItem(FROM_LOOKUP)) return;
        sessionStorage.removeItem(FROM_LOOKUP);
        var main = document.getElementById("main-content");
        if (!main) return;
        var action = first(main, ".sportello-row-actions a[href], .sportello-row-actions button");
        (action || main).focus();
    }

    // The date pickers' visible inputs (flatpickr's copies) are named by their field's label.
    function labelDatePickers() {
        document.querySelectorAll("input.flatpickr-input").forEach(function (input) {
            var shown = input._flatpickr && input._flatpickr.altInput;
            var label = input.id && document.querySelector("label[for='" + CSS.escape(input.id) + "']");
            if (!shown || !label || shown.id) return;
            shown.id = input.id + "-shown";
            label.htmlFor = shown.id;
        });
    }

    // starlette-admin's list page gives the focus to the first field named q, meaning its
    // own search; the lookup box, named q too, comes first in the page: the list's search
    // gets it back.
    function focusListSearch() {
        var box = lookupBox();
        if (!box || document.activeElement !== box || box.value) return;
        var search = Array.prototype.find.call(document.querySelectorAll("input[name=q]"), function (input) {
            return input !== box && visible(input);
        });
        if (search) search.focus();
    }

    focusOpenedRecord();
    window.addEventListener("load", function () {
        labelDatePickers();
        focusListSearch();
    });
})();
