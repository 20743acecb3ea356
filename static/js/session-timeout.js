// The session time-out warning (WCAG 2.2.1 Timing Adjustable), loaded on signed-in pages only.
//
// The server ends a session SESSION_COOKIE_AGE after its last request (the idle limit) and SESSION_ABSOLUTE_LIMIT
// after sign-in. Shortly before either, this opens one of the dialogs in templates/includes/session_timeout.html:
// the idle one offers "Stay signed in", the absolute one can only be acknowledged. Before warning it asks the server
// how long is left (a GET that does not extend the session), since another tab may have kept the session going.
// When the time is up it sends the browser to the sign-in page, which brings the person back here afterwards.

const SECOND = 1000;
// Look again this long after the session should have ended, so that the server has certainly ended it.
const GRACE_SECONDS = 1;

function inMinutes(seconds) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

class SessionTimeout {
  constructor(root) {
    this.statusUrl = root.dataset.statusUrl;
    this.signInUrl = root.dataset.signInUrl;
    this.warningSeconds = Number(root.dataset.warningSeconds);
    this.idleDialog = root.querySelector('[data-session-timeout="idle"]');
    this.absoluteDialog = root.querySelector('[data-session-timeout="absolute"]');
    this.stayForm = this.idleDialog.querySelector("form[data-stay-signed-in]");
    this.absoluteAcknowledged = false;

    this.stayForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.staySignedIn();
    });
    this.absoluteDialog.querySelector("[data-continue]").addEventListener("click", () => this.acknowledge());
    // Escape: "Stay signed in" in one dialog, "Continue" in the other.
    this.idleDialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.staySignedIn();
    });
    this.absoluteDialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.acknowledge();
    });
    // A page restored from the back-forward cache kept its timers paused: ask again.
    window.addEventListener("pageshow", (event) => event.persisted && this.check());

    this.update({
      idle_seconds_left: Number(root.dataset.idleSecondsLeft),
      absolute_seconds_left: Number(root.dataset.absoluteSecondsLeft),
    });
  }

  // Figures are seconds from now, as the server sends them: {idle_seconds_left, absolute_seconds_left}.
  update(figures) {
    clearTimeout(this.checkTimer);
    const idle = figures.idle_seconds_left;
    const absolute = figures.absolute_seconds_left;
    this.idleEndsAt = Date.now() + idle * SECOND;
    this.absoluteEndsAt = Date.now() + absolute * SECOND;
    const endsIn = Math.min(idle, absolute);
    if (endsIn <= 0) {
      this.signIn();
      return;
    }
    let dialog = null;
    if (endsIn <= this.warningSeconds) {
      if (idle < absolute) dialog = this.idleDialog;
      else if (!this.absoluteAcknowledged) dialog = this.absoluteDialog;
    }
    this.show(dialog, endsIn);
    // Look again when a warning is due, or once the session has ended.
    const wait = endsIn > this.warningSeconds ? endsIn - this.warningSeconds : endsIn + GRACE_SECONDS;
    this.checkTimer = setTimeout(() => this.check(), wait * SECOND);
  }

  // What the server last said, counted down: for when it cannot be asked.
  estimate() {
    return {
      idle_seconds_left: (this.idleEndsAt - Date.now()) / SECOND,
      absolute_seconds_left: (this.absoluteEndsAt - Date.now()) / SECOND,
    };
  }

  // The figures, or null once the session has ended: Django then redirects to the sign-in page.
  async ask(url, options = {}) {
    const response = await fetch(url, {
      ...options,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
    });
    if (response.type === "opaqueredirect") return null;
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    return response.json();
  }

  async check() {
    let figures;
    try {
      figures = await this.ask(this.statusUrl);
    } catch {
      figures = this.estimate();
    }
    if (figures) this.update(figures);
    else this.signIn();
  }

  async staySignedIn() {
    let figures;
    try {
      figures = await this.ask(this.stayForm.action, { method: "POST", body: new FormData(this.stayForm) });
    } catch {
      this.check(); // the dialog stays open, so the person can try again
      return;
    }
    if (figures) this.update(figures);
    else this.signIn();
  }

  acknowledge() {
    this.absoluteAcknowledged = true;
    this.update(this.estimate());
  }

  // Opens `dialog` (closing the other), or closes both when it is null.
  show(dialog, secondsLeft) {
    clearInterval(this.countdownTimer);
    for (const other of [this.idleDialog, this.absoluteDialog]) {
      if (other !== dialog && other.open) other.close();
    }
    if (!dialog) return;
    const endsAt = Date.now() + secondsLeft * SECOND;
    const countdown = dialog.querySelector("[data-countdown]");
    const announcement = dialog.querySelector("[data-announcement]");
    const tick = () => {
      const text = inMinutes((endsAt - Date.now()) / SECOND);
      if (countdown.textContent === text) return;
      countdown.textContent = text;
      // Only a change is announced, so a screen reader hears the time at most once a minute. When the dialog
      // opens, its description (aria-describedby) is read instead.
      if (dialog.open) announcement.textContent = `You will be signed out in ${text}.`;
    };
    if (!dialog.open) {
      countdown.textContent = "";
      announcement.textContent = "";
      tick();
      dialog.showModal();
    }
    this.countdownTimer = setInterval(tick, SECOND);
  }

  signIn() {
    clearTimeout(this.checkTimer);
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${this.signInUrl}?${new URLSearchParams({ next })}`);
  }
}

const root = document.querySelector('[data-module="app-session-timeout"]');
if (root) new SessionTimeout(root);
