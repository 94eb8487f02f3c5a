"""Source-URL normalisation for duplicate detection.

Two links to the same post should compare equal even when one was shared from a phone app
(mobile host, tracking parameters, a trailing slash, upper-case host). The normal form is used
only for matching; the URL as reported is kept verbatim.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Host labels that only say "mobile" or "www": m.weibo.cn and weibo.cn are one platform.
_HOST_PREFIXES = ("www.", "m.", "wap.", "mobile.", "3g.", "h5.")
# Same platform, different host names.
_HOST_ALIASES = {
    "weibo.cn": "weibo.com",
    "iesdouyin.com": "douyin.com",
    "v.douyin.com": "douyin.com",
    "v.kuaishou.com": "kuaishou.com",
    "gifshow.com": "kuaishou.com",
    "t.bilibili.com": "bilibili.com",
}
_TRACKING_PARAMS = {
    "spm",
    "from",
    "share_from",
    "share_source",
    "share_medium",
    "share_token",
    "share_app_id",
    "sharer_shareid",
    "sharer_sharetime",
    "isappinstalled",
    "scene",
    "clicktime",
    "enterid",
    "is_from_app",
    "vd_source",
    "timestamp",
    "ts",
    "_t",
    "refer",
    "ref",
    "chksm",
    "mpshare",
    "srcid",
    "sharesource",
    "wfr",
    "fbclid",
    "gclid",
}
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _host(netloc: str, scheme: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower().rstrip(".")
    if ":" in host and not host.endswith("]"):
        name, port = host.rsplit(":", 1)
        host = name if _DEFAULT_PORTS.get(scheme) == port else host
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host = host[len(prefix) :]
                changed = True
    return _HOST_ALIASES.get(host, host)


def normalize_url(url: str) -> str:
    """The comparison form of ``url`` (scheme-less, lower-case host, no tracking, no trailing /)."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = _host(parts.netloc, scheme)
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    path = path.rstrip("/") or "/"
    params = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith("utm_")
    ]
    query = urlencode(sorted(params))
    # Hash-routed pages (#/post/1, #!/post/1) keep their fragment; anchors are dropped.
    fragment = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    # http and https serve the same post: the scheme is not part of the identity.
    return urlunsplit(("", host, path, query, fragment)).lstrip("/")


def url_hash(url: str) -> str:
    """SHA-256 of the normal form: a short, indexable key."""
    return hashlib.sha256(normalize_url(url).encode()).hexdigest()
