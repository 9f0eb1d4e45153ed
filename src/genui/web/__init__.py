"""genui.web: the open C1 renderer (server-side HTML + inline SVG) and the playground page; no HTTP here (the
routes are `genui.api.playground`)."""

from genui.web.page import render_page
from genui.web.render import C1Html, render_html, render_result

__all__ = ["C1Html", "render_html", "render_page", "render_result"]
