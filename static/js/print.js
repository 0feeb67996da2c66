// "Print / save as PDF" on the progress reports: the buttons stay hidden without JavaScript
// (the browser's own Print command does the same), and call window.print() with it.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
