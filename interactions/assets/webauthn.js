// The WebAuthn step of a hosted page (security keys and passkeys). Needs
// /assets/simplewebauthn-browser.js loaded first (it defines window.SimpleWebAuthnBrowser).
//
// The page provides, and this script only wires together:
//   <script type="application/json" id="webauthn-options">…options from the server…</script>
//   <form id="webauthn-form" method="post" data-mode="register|authenticate" [data-autostart]
//         data-error-cancelled="…" data-error-registered="…" data-error-unsupported="…" data-error-generic="…">
//     <input type="hidden" name="response">
//     <button type="button" id="webauthn-start" [hidden]>…</button>
//   </form>
//   <p id="webauthn-error" role="alert" [hidden]></p>
// A click on the button (and, with data-autostart, the page load) runs the ceremony, puts the
// result as JSON in the hidden input and submits the form. A failure shows the matching
// data-error-* text in #webauthn-error and enables the button again. Every text comes from the
// page (the message catalogue), none from here.
(() => {
  function start() {
    var form = document.getElementById('webauthn-form');
    var optionsElement = document.getElementById('webauthn-options');
    var button = document.getElementById('webauthn-start');
    var errorElement = document.getElementById('webauthn-error');
    if (!form || !optionsElement || !button) return;
    var input = form.querySelector('input[name="response"]');
    var lib = window.SimpleWebAuthnBrowser;
    var register = form.getAttribute('data-mode') === 'register';
    var running = false;

    function errorText(kind) {
      return form.getAttribute(`data-error-${kind}`) || form.getAttribute('data-error-generic') || '';
    }

    function showError(kind) {
      if (!errorElement) return;
      errorElement.textContent = errorText(kind);
      errorElement.hidden = false;
    }

    function clearError() {
      if (!errorElement) return;
      errorElement.textContent = '';
      errorElement.hidden = true;
    }

    function kindOf(err) {
      var name = err?.name;
      var code = err?.code;
      if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || (register && name === 'InvalidStateError')) return 'registered';
      // the user cancelled, the time ran out, or user verification failed: the browser does not
      // say which (on purpose), so neither can we
      if (name === 'NotAllowedError' || name === 'AbortError') return 'cancelled';
      if (name === 'NotSupportedError') return 'unsupported';
      return 'generic';
    }

    // the button stays visible without script only if the page did not hide it
    button.hidden = false;
    if (!lib?.browserSupportsWebAuthn() || !input) {
      button.disabled = true;
      showError('unsupported');
      return;
    }

    var optionsJSON;
    try {
      optionsJSON = JSON.parse(optionsElement.textContent || '');
    } catch (_e) {
      button.disabled = true;
      showError('generic');
      return;
    }

    function run(automatic) {
      if (running) return;
      running = true;
      button.disabled = true;
      clearError();
      var ceremony = register ? lib.startRegistration({ optionsJSON: optionsJSON }) : lib.startAuthentication({ optionsJSON: optionsJSON });
      ceremony.then(
        (result) => {
          input.value = JSON.stringify(result);
          form.submit();
        },
        (err) => {
          running = false;
          button.disabled = false;
          var kind = kindOf(err);
          // a prompt opened without a click may be refused outright (Safari requires one): the
          // button is there, no need to call that an error
          if (automatic && kind === 'cancelled') return;
          showError(kind);
          button.focus();
        },
      );
    }

    button.addEventListener('click', (event) => {
      event.preventDefault();
      run(false);
    });
    // Enter in the form, or a submit button: run the ceremony instead of posting an empty response
    form.addEventListener('submit', (event) => {
      if (!input.value) {
        event.preventDefault();
        run(false);
      }
    });
    if (form.hasAttribute('data-autostart')) run(true);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
