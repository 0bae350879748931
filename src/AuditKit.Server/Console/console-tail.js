/* AuditKit console: the live tail. Progressive enhancement of /console/{tenant}/events/tail: the page lists the
   newest events without this script (and reloads itself from a <noscript> refresh); with it, newer events arrive
   as server-sent events and are added at the top of the table. No inline script, no eval, no innerHTML. */
(function () {
  'use strict';
  var table = document.getElementById('tail');
  var status = document.getElementById('tail-status');
  if (!table || !table.tBodies.length || typeof window.EventSource !== 'function') {
    return;
  }

  var body = table.tBodies[0];
  var max = parseInt(table.getAttribute('data-max'), 10) || 200;
  var source = new EventSource(table.getAttribute('data-stream'));

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text || '';
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  source.addEventListener('open', function () {
    say('Live: new events appear at the top as they arrive.');
    table.setAttribute('data-live', 'true');
  });

  source.addEventListener('audit', function (message) {
    var e = JSON.parse(message.data);
    var row = document.createElement('tr');
    row.setAttribute('data-id', e.id);
    var time = cell(row, '');
    var link = document.createElement('a');
    link.href = e.url;
    link.textContent = e.time;
    time.appendChild(link);
    cell(row, e.action);
    cell(row, e.actor);
    cell(row, e.resource);
    cell(row, e.status, 'status-' + e.status);
    cell(row, e.severity, 'sev-' + e.severity);
    cell(row, e.description);
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > max) {
      body.deleteRow(body.rows.length - 1);
    }
    var empty = document.getElementById('no-events');
    if (empty) {
      empty.hidden = true;
    }
  });

  source.addEventListener('error', function () {
    table.setAttribute('data-live', 'false');
    say(source.readyState === EventSource.CLOSED
      ? 'The live tail stopped. Reload the page to start it again.'
      : 'The live tail lost its connection and is trying again.');
  });
})();
