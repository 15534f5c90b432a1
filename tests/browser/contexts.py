"""Browser contexts kept and reused, so the browser tests spend their time on pages.

Chromium's new headless mode (the only one ``/usr/bin/chromium`` still has) takes about half a
second to start each new context and its first page (a third of a second of its own CPU): a
renderer process, a profile, a compositor. The browser tests opened hundreds of them, one per
person, width and language, which made context starts the biggest single cost of the suite on
two cores.

``ContextPool`` stands in for the Playwright ``Browser``. Its ``new_context(**options)`` hands
out an idle context made earlier with the same options (other than the viewport, which is set
again), or makes one. What a test gets is still a real Playwright ``BrowserContext`` and
``Page`` (``isinstance`` and ``expect`` work), with some methods replaced on the instance:

- ``context.close()`` gives the context back instead of closing it. Giving back leaves it as a
  new one would be: the site's local and session storage and the HTTP cache cleared, the page
  on ``about:blank`` (no script of the last test still running against the server), no
  cookies, permissions or routes, every event handler the test added to the page removed, any
  other page closed. (The live server closes every connection after its response, so no
  kept-alive connection outlives a test either: see the ``browser`` fixture.)
- ``context.new_page()`` hands out the kept page first.
- Whatever cannot be undone reliably marks the context as not to be reused, and it is closed
  for real when it is given back: a DevTools protocol session (a virtual authenticator, a
  throttled network), init scripts, exposed functions, extra headers, offline mode, a
  geolocation, emulated media, locator handlers, the context's own event handlers, or
  creating it with permissions or a storage state.

A closed context must not be used again: it may be someone else's by then (a real one would
raise). Anything that goes wrong while giving a context back closes it for real instead.
Contexts a test never closes are left alone (as before), and every context is closed with the
pool; ``release()`` closes the idle ones at any time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

IDLE_PER_KIND = 3
DEFAULT_VIEWPORT = {"width": 1280, "height": 720}  # Playwright's, when a test names none
CLEAR_STORAGE = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"
# Options whose effect giving back would undo (cookies and permissions are cleared then).
NOT_POOLED_OPTIONS = {"storage_state", "permissions"}
# Methods whose effect giving back cannot undo: calling one retires the context.
RETIRING = {
    "context": (
        "add_init_script",
        "expose_binding",
        "expose_function",
        "set_extra_http_headers",
        "set_offline",
        "set_geolocation",
        "route_from_har",
        "on",
        "once",
    ),
    "page": (
        "add_init_script",
        "expose_binding",
        "expose_function",
        "set_extra_http_headers",
        "emulate_media",
        "add_locator_handler",
        "route_from_har",
    ),
}


class ContextPool:
    """A Playwright ``Browser`` whose contexts are reused (see the module's docstring)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.idle: dict[str, list[Any]] = {}
        self.made = 0
        self.reused = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.browser, name)

    def new_context(self, **options: Any) -> Any:
        viewport = options.pop("viewport", None)
        kind = json.dumps(options, sort_keys=True, default=repr)
        waiting = self.idle.get(kind, [])
        if waiting:
            context = waiting.pop()
            context._onegate_in_use = True
            self.reused += 1
        else:
            context = self.browser.new_context(**options, viewport=viewport or DEFAULT_VIEWPORT)
            self.made += 1
            self._adapt(context, kind)
            if NOT_POOLED_OPTIONS & options.keys():
                context._onegate_reusable = False
        context._onegate_viewport = viewport or DEFAULT_VIEWPORT
        return context

    def release(self) -> None:
        """Close every idle context for real."""
        for contexts in self.idle.values():
            for context in contexts:
                context._onegate_close()
        self.idle.clear()

    def close(self) -> None:
        """Close every context and the browser; say how many contexts were made and reused in
        test-artifacts/browser-contexts.log (a line per test process)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with (ARTIFACTS / "browser-contexts.log").open("a", encoding="utf-8") as log:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            log.write(f"{worker}: {self.made} contexts made, {self.reused} reused\n")
        self.release()
        self.browser.close()

    # --- one context ---------------------------------------------------------------------------

    def _adapt(self, context: Any, kind: str) -> None:
        context._onegate_close = context.close
        context._onegate_new_page = context.new_page
        context._onegate_open_cdp = context.new_cdp_session
        context._onegate_kept = None  # the page kept for the next test
        context._onegate_cdp = None  # the pool's own DevTools session on it (the HTTP cache)
        context._onegate_handed = []  # the pages handed out since the context was taken
        context._onegate_reusable = True
        context._onegate_in_use = True

        def new_page() -> Any:
            kept = context._onegate_kept
            if kept is not None and not kept.is_closed() and kept not in context._onegate_handed:
                page = kept
            else:
                page = context._onegate_new_page()
                _track_handlers(page)
                _retire_on(page, RETIRING["page"], context)
                if context._onegate_kept is None or context._onegate_kept.is_closed():
                    context._onegate_kept = page
                    context._onegate_cdp = None
            context._onegate_handed.append(page)
            if page.viewport_size != context._onegate_viewport:
                page.set_viewport_size(context._onegate_viewport)
            return page

        def new_cdp_session(page: Any) -> Any:
            context._onegate_reusable = False
            return context._onegate_open_cdp(page)

        def give_back(**_: Any) -> None:
            self._give_back(context, kind)

        context.new_page = new_page
        context.new_cdp_session = new_cdp_session
        context.close = give_back
        _retire_on(context, RETIRING["context"], context)

    def _give_back(self, context: Any, kind: str) -> None:
        if not context._onegate_in_use:
            return  # given back already (closing twice is allowed, as for a real context)
        context._onegate_in_use = False
        waiting = self.idle.setdefault(kind, [])
        if not context._onegate_reusable or len(waiting) >= IDLE_PER_KIND:
            context._onegate_close()
            return
        try:
            clean = _reset(context)
        except Exception:  # whatever failed, a closed context is a clean one
            clean = False
        if clean:
            waiting.append(context)
        else:
            context._onegate_close()


def _retire_on(target: Any, names: tuple[str, ...], context: Any) -> None:
    """Replace each method in ``names`` on ``target`` with one that marks ``context`` as not to
    be reused before doing what it did."""

    def retiring(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            context._onegate_reusable = False
            return method(*args, **kwargs)

        return call

    for name in names:
        setattr(target, name, retiring(getattr(target, name)))


def _track_handlers(page: Any) -> None:
    """Replace ``page.on`` and ``page.once`` with versions that remember each handler, so that
    giving the context back can remove them."""
    page._onegate_handlers = []

    def remembering(register: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
        def register_and_remember(event: str, handler: Any) -> Any:
            page._onegate_handlers.append((event, handler))
            return register(event, handler)

        return register_and_remember

    page.on = remembering(page.on)
    page.once = remembering(page.once)


def _reset(context: Any) -> bool:
    """Make a given-back context as a new one would be; False when that cannot be done."""
    kept = context._onegate_kept
    if kept is None or kept.is_closed():
        return False
    for page in list(context.pages):
        if page is not kept:
            page.close()
    context._onegate_handed = []
    for event, handler in kept._onegate_handlers:
        kept.remove_listener(event, handler)
    kept._onegate_handlers.clear()
    kept.unroute_all(behavior="ignoreErrors")
    if kept.url.startswith("http"):
        kept.evaluate(CLEAR_STORAGE)
    kept.goto("about:blank")
    if context._onegate_cdp is None:
        context._onegate_cdp = context._onegate_open_cdp(kept)
    context._onegate_cdp.send("Network.clearBrowserCache")
    context.unroute_all(behavior="ignoreErrors")
    context.clear_cookies()
    context.clear_permissions()
    return True
