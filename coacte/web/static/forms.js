/* CO-ACTE forms: add post-it rows without a round trip to the server.
 *
 * Optional: without JavaScript the "add rows" button submits the form and the server
 * answers with the same form, five rows longer, keeping what was typed. With it, the
 * last row is copied (emptied, renumbered) five times and the focus goes to the first
 * new row, so the keyboard user goes on typing. */
(function () {
  "use strict";
  var STEP = 5;
  var button = document.getElementById("add-rows");
  var table = document.getElementById("postit-rows");
  if (!button || !table || !table.tBodies.length) { return; }

  function renumber(element, index) {
    ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
      var value = element.getAttribute(attr);
      if (value) { element.setAttribute(attr, value.replace(/postits-\d+-/g, "postits-" + index + "-")); }
    });
    var label = element.getAttribute("aria-label");
    if (label) { element.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1))); }
  }

  function empty(row, index) {
    row.querySelectorAll(".error-text").forEach(function (e) { e.remove(); });
    row.querySelectorAll("td").forEach(function (td) { td.className = ""; });
    row.querySelectorAll("*").forEach(function (e) { renumber(e, index); });
    row.querySelectorAll("input, textarea, select").forEach(function (field) {
      field.setAttribute("aria-invalid", "false");
      field.removeAttribute("aria-describedby");
      if (field.type === "checkbox") {
        field.checked = false;
        field.removeAttribute("checked");
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (o) { o.removeAttribute("selected"); });
        field.selectedIndex = 0;
      } else {
        field.value = "";
        field.textContent = field.tagName === "TEXTAREA" ? "" : field.textContent;
      }
    });
    var header = row.querySelector("th");
    if (header) { header.textContent = String(index + 1); }
  }

  button.addEventListener("click", function (event) {
    var body = table.tBodies[0];
    var last = body.rows[body.rows.length - 1];
    if (!last) { return; }
    event.preventDefault();
    var first = null;
    for (var i = 0; i < STEP; i++) {
      var index = body.rows.length;
      var row = last.cloneNode(true);
      empty(row, index);
      body.appendChild(row);
      if (!first) { first = row; }
    }
    var target = first.querySelector("select, input, textarea");
    if (target) { target.focus(); }
  });
}());
