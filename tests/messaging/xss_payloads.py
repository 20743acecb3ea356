"""Stored-XSS payloads sent as messages (and reused by the headless-browser test, which checks none runs).

Each one is plain text to us: it must be stored as typed and rendered escaped, with only http(s) addresses
turned into links.
"""

from __future__ import annotations

XSS_PAYLOADS: list[str] = [
    "<script>window.__xss = 1</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=window.__xss=1//",
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    '<a href="javascript:window.__xss=1">click me</a>',
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==",
    '<a href="data:text/html,<script>window.__xss=1</script>">data link</a>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<body onload="window.__xss=1">',
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '<div style="background:url(javascript:window.__xss=1)">styled</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    'https://example.org/"onmouseover="window.__xss=1',
    "https://example.org/<script>window.__xss=1</script>",
    "https://example.org/\u202egpj.exe",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "{{ 7*7 }} {% now 'Y' %}",
    "<form action=https://evil.example><input name=q><button>Go</button></form>",
]
