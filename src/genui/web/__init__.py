"""genui.web: the open C1 renderer (server-side HTML + inline SVG) and the playground."""

from genui.web.page import render_page
from genui.web.render import C1Html, render_html, render_result
from genui.web.routes import router

__all__ = ["C1Html", "render_html", "render_page", "render_result", "router"]
