// When the browser's security key step fails or is cancelled, allauth's webauthn.js sends an "allauth.error" event.
// Show the page's own error message (an element with id "security-key-error", hidden until then) instead of only
// logging to the console, so the person knows to try again.
document.addEventListener("allauth.error", (event) => {
  const message = document.getElementById("security-key-error");
  if (!message) {
    return;
  }
  event.preventDefault();
  message.hidden = false;
  message.focus();
});
