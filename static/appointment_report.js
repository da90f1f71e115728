// The appointment report's chart: one bar per counter and row, from the numbers the table
// shows (the page writes them once, as JSON, beside the table).
(function () {
    var canvas = document.getElementById("report-chart");
    var data = document.getElementById("report-data");
    if (!canvas || !data || typeof Chart === "undefined") {
        return;
    }
    var report = JSON.parse(data.textContent);
    var names = JSON.parse(document.getElementById("report-names").textContent);
    var colours = {
        taken: "#206bc4", confirmed: "#2fb344", to_confirm: "#f59f00",
        cancelled: "#d63939", done: "#667382"
    };
    var datasets = Object.keys(report.datasets).map(function (key) {
        return {key: key, label: names[key], data: report.datasets[key], backgroundColor: colours[key]};
    });
    new Chart(canvas, {
        type: "bar",
        data: {labels: report.labels, datasets: datasets},
        options: {maintainAspectRatio: false, animation: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
})();
