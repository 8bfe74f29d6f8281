// hitl serve: the page's own script (the page allows no inline script).
(() => {
  // The websocket is on this page's own host, however it was reached (a
  // reverse proxy with TLS included): textual.js reads it from here on load.
  const terminal = document.getElementById("terminal");
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  terminal.dataset.sessionWebsocketUrl = `${scheme}//${window.location.host}/ws`;

  // textual.js opens a download in a new window, which a popup blocker stops:
  // a link of this page downloads it instead. Other addresses the app opens
  // get a window that cannot reach back to this one and no referrer.
  const openWindow = window.open.bind(window);
  window.open = (url, target) => {
    const address = new URL(url, window.location.href);
    if (address.origin === window.location.origin && address.pathname.startsWith("/download/")) {
      const link = document.createElement("a");
      link.href = address.href;
      link.download = "";
      document.body.append(link);
      link.click();
      link.remove();
      return null;
    }
    return openWindow(address.href, target, "noopener,noreferrer");
  };

  // Keys go to the app from the start, without a click first: once its
  // websocket is open (textual.js marks the terminal "-connected"), since
  // focusing sends the app a message, which a socket still connecting throws on.
  const focusKeys = () => {
    const keys = document.querySelector(".xterm-helper-textarea");
    if (keys) keys.focus();
  };
  new MutationObserver((_, observer) => {
    if (terminal.classList.contains("-connected")) {
      observer.disconnect();
      focusKeys();
    }
  }).observe(terminal, { attributes: true, attributeFilter: ["class"] });

  for (const button of document.querySelectorAll("button.restart")) {
    button.addEventListener("click", () => window.location.reload());
  }
})();
