/* The leadership dashboard and the big screen: charts (ECharts, our own static copy) from the
   page's JSON; the big screen fetches the figures again every minute and redraws in place. */
(function () {
  "use strict";

  function get(data, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, data);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  var dark = false;
  var charts = {};

  function chart(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(node, dark ? "dark" : null, { renderer: "canvas" });
    return charts[id];
  }

  function draw(data) {
    var cats = data.labels.categories, grades = data.labels.grades;
    var text = dark ? "#cfd8e3" : "#333";
    var trend = chart("chart-trend");
    if (trend) {
      trend.setOption({
        animation: false,
        backgroundColor: "transparent",
        tooltip: { trigger: "axis" },
        legend: { top: 0, textStyle: { color: text } },
        grid: { left: 40, right: 16, top: 40, bottom: 28 },
        xAxis: { type: "category", data: data.trend.days },
        yAxis: { type: "value", minInterval: 1 },
        series: Object.keys(data.trend.series).map(function (c) {
          return { name: cats[c], type: "bar", stack: "all", data: data.trend.series[c] };
        })
      }, true);
    }
    var pie = chart("chart-grades");
    if (pie) {
      pie.setOption({
        animation: false,
        backgroundColor: "transparent",
        tooltip: { trigger: "item" },
        legend: { bottom: 0, textStyle: { color: text } },
        series: [{
          type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          label: { color: text, formatter: "{b} {c}" },
          data: Object.keys(data.open.by_grade).map(function (g) {
            return { name: grades[g], value: data.open.by_grade[g] };
          })
        }]
      }, true);
    }
  }

  function fill(root, data) {
    root.querySelectorAll("[data-k]").forEach(function (node) {
      var v = get(data, node.getAttribute("data-k"));
      node.textContent = v == null ? "—" : v;
    });
    var lists = {
      majors: function (m) {
        var li = el("li"), a = el("a", null, m.number + " " + m.title);
        a.href = m.url; li.appendChild(a);
        li.appendChild(el("span", "meta", [m.grade, m.county, m.unit || "—", m.age_hours + " h"].join(" · ")));
        return li;
      },
      overdue_units: function (u) {
        var li = el("li"); li.appendChild(el("span", null, u.unit));
        li.appendChild(el("span", "meta", String(u.cases))); return li;
      },
      ranking: function (r) {
        var li = el("li"); li.appendChild(el("span", "rank", r.rank == null ? "—" : String(r.rank)));
        var a = el("a", null, r.name); a.href = r.url; li.appendChild(a);
        var v = r.score != null ? String(r.score) : (r.value != null ? Math.round(r.value * 1000) / 10 + "%" : "—");
        li.appendChild(el("span", "meta", v));
        if (r.deductions || r.bonuses) {
          var behind = el("span", "sc-behind");
          if (r.deductions) {
            var d = el("a", null, "−" + r.deductions); d.href = r.deductions_url; behind.appendChild(d);
          }
          if (r.bonuses) behind.appendChild(el("span", "plus", " +" + r.bonuses));
          (r.behind || []).forEach(function (b) { behind.appendChild(document.createTextNode(" · " + b.label + " " + b.points)); });
          li.appendChild(behind);
        }
        return li;
      }
    };
    Object.keys(lists).forEach(function (name) {
      var list = root.querySelector('[data-list="' + name + '"]');
      var rows = name === "ranking" ? data.ranking.rows : data[name];
      if (!list || !rows || !rows.length) return;
      list.replaceChildren.apply(list, rows.map(lists[name]));
    });
  }

  function start() {
    var root = document.querySelector(".sc-dash, .sc-screen");
    var script = document.getElementById("sc-data");
    if (!root || !script) return;
    dark = root.classList.contains("sc-screen");
    var data = JSON.parse(script.textContent);
    draw(data);
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    var every = parseInt(root.getAttribute("data-refresh") || "0", 10);
    if (every > 0) {
      window.setInterval(function () {
        fetch(root.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (fresh) { if (fresh) { fill(root, fresh); draw(fresh); root.setAttribute("data-refreshed", fresh.now); } })
          .catch(function () { /* keep the figures shown; the next minute tries again */ });
      }, every * 1000);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
