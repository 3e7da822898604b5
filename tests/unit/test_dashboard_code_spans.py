"""Findings' `code spans` show as code on the dashboard, and everything else stays escaped text."""

from __future__ import annotations

from assay.web.deps import code_spans


def test_code_spans_are_code_and_markup_is_escaped() -> None:
    shown = code_spans("`POST /a` answers <script>alert(1)</script> & `x<y`")
    assert shown == (
        "<code>POST /a</code> answers &lt;script&gt;alert(1)&lt;/script&gt; &amp; <code>x&lt;y</code>"
    )


def test_text_without_backticks_is_only_escaped() -> None:
    assert code_spans('a "b" <c>') == "a &#34;b&#34; &lt;c&gt;"
