// Sorting and filtering of the table of every council. The table is whole and in order without
// this script; it only adds buttons to the column headings and shows the filter controls, which
// the page keeps hidden until then. It reads what to sort and filter by from the cells' data-*
// attributes and changes no text of the table.
(function () {
  "use strict";

  var GOOD_OR_BETTER = 3;

  // What a cell sorts by: its data-score for a grade column (blank: no grade), else its text.
  // A cell with nothing in it ("—") sorts last whichever way the column is sorted.
  function sortKey(cell, type) {
    if (type === "number") {
      var score = cell.getAttribute("data-score");
      return score ? Number(score) : null;
    }
    var text = cell.textContent.trim();
    return text === "" || text === "—" ? null : text.toLocaleLowerCase();
  }

  function compare(a, b, direction) {
    if (a === null || b === null) {
      return a === b ? 0 : a === null ? 1 : -1;
    }
    if (a < b) { return -direction; }
    if (a > b) { return direction; }
    return 0;
  }

  function setUpSorting(table) {
    var headers = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(headers, function (header, index) {
      var type = header.getAttribute("data-sort");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () {
        // the first click sorts up (A to Z, Inadequate to Outstanding), the next down
        var direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        // the rows' own order breaks ties, so a sort by region keeps the names in order
        rows.forEach(function (row, position) { row.dataset.position = String(position); });
        rows.sort(function (a, b) {
          return compare(sortKey(a.cells[index], type), sortKey(b.cells[index], type), direction)
            || Number(a.dataset.position) - Number(b.dataset.position);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function gradeMatches(row, column, wanted) {
    if (!wanted) { return true; }
    var cell = row.querySelector('td[data-column="' + column + '"]');
    var score = cell ? cell.getAttribute("data-score") : "";
    if (wanted === "none") { return !score; }
    if (!score) { return false; }
    return wanted === "good" ? Number(score) >= GOOD_OR_BETTER : score === wanted;
  }

  function setUpFilters(form, table) {
    var text = form.querySelector('[data-filter="text"]');
    var region = form.querySelector('[data-filter="region"]');
    var column = form.querySelector('[data-filter="column"]');
    var grade = form.querySelector('[data-filter="grade"]');
    var status = form.querySelector("[data-filter-status]");
    var rows = table.tBodies[0].rows;

    function apply() {
      var words = text.value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var content = row.textContent.toLocaleLowerCase();
        var visible = words.every(function (word) { return content.indexOf(word) !== -1; })
          && (!region.value || row.getAttribute("data-region") === region.value)
          && gradeMatches(row, column.value, grade.value);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " councils";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  document.querySelectorAll("form[data-controls-for]").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-controls-for"));
    if (!table) { return; }
    setUpSorting(table);
    setUpFilters(form, table);
  });
}());
