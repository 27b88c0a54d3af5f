// "Stay signed in": shows the warning (#session-warning) a little before the session's idle
// limit, and after it says the user was signed out. The page was the last activity, so the
// timers start when it loads; "Stay signed in" is an ordinary form post (it works without this
// script), which touches the session and reloads the page, restarting the timers.
(() => {
  var box = document.getElementById('session-warning');
  if (!box) return;
  var idle = Number(box.getAttribute('data-idle-seconds'));
  var before = Number(box.getAttribute('data-warn-before-seconds'));
  if (!(idle > 0)) return;
  var warning = box.querySelector('[data-part="warning"]');
  var signedOut = box.querySelector('[data-part="signed-out"]');
  setTimeout(
    () => {
      box.hidden = false;
      var button = warning?.querySelector('button');
      if (button) button.focus();
    },
    Math.max(0, idle - before) * 1000,
  );
  setTimeout(() => {
    box.hidden = false;
    if (warning) warning.hidden = true;
    if (signedOut) signedOut.hidden = false;
  }, idle * 1000);
})();
