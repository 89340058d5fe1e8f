"""Evidence links: only http and https addresses to a named host, checked before they are kept."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from evidence.errors import Refused

MAX_URL = 2048


def check_link(url: str) -> str:
    """The link, trimmed, or Refused saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise Refused("a link needs an address (https://...)")
    if len(url) > MAX_URL:
        raise Refused(f"the link is {len(url)} characters long; at most {MAX_URL} are kept")
    if re.search(r"[\x00-\x20\x7f]", url):
        raise Refused("a link cannot hold spaces or control characters")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise Refused(f"only http and https links are taken as evidence; this one has {shown}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise Refused(f"{url!r} is not a valid web address") from None
    if not parts.hostname:
        raise Refused(f"{url!r} names no host (expected https://host/...)")
    if parts.username is not None or parts.password is not None:
        raise Refused("a link must not hold a user name or password; link to the page without them")
    return url
