"""Every outbound HTTP request of the project: one safe fetch for article URLs and feeds.

Pure Python, no Django (like `incidents.extraction`): the caller passes a FetchPolicy built from
its settings. fetch() refuses non-web schemes and private addresses (checked on every redirect,
connecting only to the address it vetted), bounds time, size and redirects, honours robots.txt
through a RobotsCache, and says why in errors an analyst can read.
"""

from .address import address_refusal
from .net import fetch
from .robots import RobotsCache
from .types import FetchError, FetchPolicy, FetchRefused, FetchResult

__all__ = [
    "FetchError",
    "FetchPolicy",
    "FetchRefused",
    "FetchResult",
    "RobotsCache",
    "address_refusal",
    "fetch",
]
