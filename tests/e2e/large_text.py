"""Measuring a page as someone with large text or a zoomed phone sees it (issue 16, point 2).

`nothing_clipped(page)` lists every element whose content is wider than its box, or that reaches past the screen's
edge, and says so if the page scrolls sideways. Parts meant to be hidden from sight (the skip link before it is
focused, visually hidden labels) and form controls (whose text scrolls inside them by design) are left out.
"""

from django.test import Client

# Chromium's default font size is 16 px; "200% text" is the phone's font setting doubled.
LARGE_TEXT_PX = 32

_MEASURE = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  const skipped = ".skip-link, .visually-hidden, script, style, noscript, template, svg, select, input, textarea, br";
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest(skipped) || element.closest("[hidden]")) continue;
    const style = getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const classes = String(element.className || "").trim().split(/\\s+/).filter(Boolean);
    const name = [element.tagName.toLowerCase(), ...classes].join(".");
    const text = (element.innerText || "").trim().slice(0, 30);
    if (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1) {
      problems.push(`${name} "${text}": content ${element.scrollWidth} px in a ${element.clientWidth} px box`);
    }
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && (box.right > width + 1 || box.left < -1)) {
      problems.push(`${name} "${text}": from ${Math.round(box.left)} to ${Math.round(box.right)} px of ${width}`);
    }
  }
  return problems;
}
"""


def with_large_text(page):
    """The page's browser set to 200% text, as a phone's font setting does (Chromium's default font size)."""
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": LARGE_TEXT_PX, "fixed": LARGE_TEXT_PX}})
    return page


def nothing_clipped(page):
    page.wait_for_load_state("load")
    return page.evaluate(_MEASURE)


def header_share_of_screen(page):
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height / window.innerHeight")


def signed_in_as(page, user, *, site):
    """Sign `user` in at `site` (the live server's URL) by handing the browser a session made on the server; the
    SMS sign-in has its own browser test."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
