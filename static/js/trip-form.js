// On the trip form, the times that follow from the departure move with it until the dispatcher sets them by hand:
// arrival keeps the journey's length, booking closes at 20:00 the evening before, passengers meet 30 minutes
// before departure (the same rules as transport/forms.py's new_trip_times).
(function () {
  "use strict";
  var form = document.getElementById("trip-form");
  var departs = form && form.querySelector("input[name=departs_at]");
  if (!departs) return;
  var arrives = form.querySelector("input[name=arrives_at]");
  var closes = form.querySelector("input[name=booking_closes_at]");
  var MINUTE = 60 * 1000;

  // datetime-local values carry no time zone: read and write them as UTC so that no clock change shifts them.
  function parse(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) : null;
  }
  function format(ms) {
    return new Date(ms).toISOString().slice(0, 16);
  }
  function eveningBefore(ms) {
    var day = new Date(ms);
    return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - 1, 20, 0);
  }

  form.addEventListener("input", function (event) {
    if (event.target !== departs) event.target.dataset.touched = "true";
  });

  var previous = parse(departs.value);
  departs.addEventListener("change", function () {
    var now = parse(departs.value);
    if (now === null) return;
    var follow = function (input, value) {
      if (input && !input.dataset.touched) input.value = format(value);
    };
    if (previous !== null && parse(arrives.value) !== null) follow(arrives, parse(arrives.value) + now - previous);
    follow(closes, eveningBefore(now));
    // Only the pickup points that have a time: a spare empty one stays empty, or it would have to be filled in.
    form.querySelectorAll("input[name$='-meets_at']").forEach(function (meets) {
      if (meets.value) follow(meets, now - 30 * MINUTE);
    });
    previous = now;
  });
})();
