// Refusals and errors are shown in the action panel instead of being dropped (htmx 2
// does not swap 4xx/5xx answers by default).
htmx.config.responseHandling = [
    {code: "204", swap: false},
    {code: "[23]..", swap: true},
    {code: "[45]..", swap: true, error: true, target: "#action-panel"},
];
document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sportello-close]")) {
        document.getElementById("action-panel").innerHTML = "";
    }
});
document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
        document.getElementById("action-panel").innerHTML = "";
    }
});
