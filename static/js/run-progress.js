// The match run page while a run is queued or running (templates/matching/matchrun_detail.html).
//
// Without this script the page offers a link to look again. With it, the page asks the server every few seconds
// how the run is getting on (a GET that does not keep the session alive) and changes the words in a status region,
// which screen readers announce. The page itself is never reloaded under the reader (WCAG 2.2.1): when the run ends,
// the link says so and the reader chooses when to load the results.

const SECOND = 1000;
// Stop asking after this long; the link still works.
const GIVE_UP_AFTER_SECONDS = 30 * 60;

class RunProgress {
  constructor(root) {
    this.statusUrl = root.dataset.statusUrl;
    this.pollSeconds = Number(root.dataset.pollSeconds) || 3;
    this.text = root.querySelector("[data-run-progress-text]");
    this.link = root.querySelector("[data-run-progress-link]");
    // A run spread over the workers shows its blocks scored so far in the summary list, outside this region.
    this.blocks = document.querySelector("[data-run-progress-blocks]");
    this.startedAt = Date.now();
    this.schedule();
  }

  schedule() {
    if (Date.now() - this.startedAt > GIVE_UP_AFTER_SECONDS * SECOND) {
      return;
    }
    this.timer = setTimeout(() => this.check(), this.pollSeconds * SECOND);
  }

  async check() {
    let figures;
    try {
      const response = await fetch(this.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        // Signed out, or the run is gone: the link still takes the reader somewhere that explains.
        return;
      }
      figures = await response.json();
    } catch {
      this.schedule();
      return;
    }
    if (figures.progress !== this.text.textContent) {
      this.text.textContent = figures.progress;
    }
    if (this.blocks && figures.blocks_total) {
      this.blocks.textContent = `${figures.blocks_done} of ${figures.blocks_total}`;
    }
    if (figures.finished) {
      this.link.textContent = figures.status === "succeeded" ? "See the results" : "See what went wrong";
      return;
    }
    this.schedule();
  }
}

for (const root of document.querySelectorAll("[data-run-progress]")) {
  new RunProgress(root);
}
