// Marks the page as JavaScript-enabled for GOV.UK Frontend, then starts its components.
// A separate file rather than an inline script so the content security policy can forbid inline scripts.
import { initAll } from "/static/dist/js/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
