// Keep keyboard focus through htmx swaps. The pressed button is disabled while its request
// runs (hx-disabled-elt), which moves focus to <body>, and the swap then replaces it; htmx
// restores focus only from document.activeElement at swap time, so it is lost. Remember the
// focused element's id when a request starts and, if focus is on <body> once the new content
// has settled, focus the element with that id again, or else the swapped-in part itself.
(() => {
  let focusedId = null;
  let hadFocus = false;

  document.addEventListener("htmx:beforeRequest", () => {
    const active = document.activeElement;
    hadFocus = Boolean(active && active !== document.body);
    focusedId = hadFocus && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const active = document.activeElement;
    if (!hadFocus || (active && active !== document.body)) return;
    hadFocus = false;
    let target = focusedId ? document.getElementById(focusedId) : null;
    if (!target || target.disabled) {
      target = event.target instanceof HTMLElement && event.target.isConnected ? event.target : null;
      if (!target) return;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  });
})();
