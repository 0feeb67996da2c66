// "Copy" buttons for text on the page (the calendar feed addresses). A button
// `<button type="button" data-copy="<id of the element with the text>" data-copied="Copied"
// data-status="<id of a live region>" hidden>` is shown only where the clipboard can be
// written, so without JavaScript (or without the Clipboard API) there is no dead button.
(() => {
  const reveal = (root) => {
    if (!navigator.clipboard || !root.querySelectorAll) return;
    root.querySelectorAll("button[data-copy]").forEach((button) => { button.hidden = false; });
  };

  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const status = document.getElementById(button.dataset.status || "");
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) {
        // Emptied first, so copying the same address twice is announced twice.
        status.textContent = "";
        window.setTimeout(() => { status.textContent = button.dataset.copied || ""; }, 50);
      }
    } catch (error) {
      if (status) status.textContent = button.dataset.failed || "";
    }
  });

  document.addEventListener("DOMContentLoaded", () => reveal(document));
  // Content htmx swaps in (the feeds after renewing them) brings its own hidden buttons.
  document.addEventListener("htmx:load", (event) => reveal(event.target));
})();
