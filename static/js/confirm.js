// The confirmation step in a <dialog> (apps/core/confirm.py). A form marked
// data-confirm="<dialog id>" is stopped before htmx or the browser sends it; "confirm" in the
// dialog adds confirmed=yes and sends it again, with the button that was pressed. Without
// this script the server asks on a page instead.
(() => {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.querySelector('input[name="confirmed"][value="yes"]')) return;
    const dialog = document.getElementById(form.dataset.confirm);
    if (!(dialog instanceof HTMLDialogElement)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const submitter = event.submitter;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "confirm") return;
      const confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "yes";
      form.append(confirmed);
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      // Asked once for this submission: the next one asks again.
      form.addEventListener("htmx:afterRequest", () => confirmed.remove(), { once: true });
    }, { once: true });
    dialog.showModal();
  }, true);
})();
