"""Stage 0 of extraction: raw input → the stored body, and its language.

The cleaned text is what an article stores and what every claim offset refers to, so cleaning
happens once, before hashing and storing, never inside extraction.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import lxml.html
from lxml import etree

_HTML_TAG = re.compile(
    r"<\s*/?\s*(html|body|head|p|div|br|span|a|h[1-6]|li|ul|ol|article|section|strong|em|b|i|u|"
    r"figure|figcaption|img|table|tr|td|blockquote|header|footer|nav|main|script|style|meta)\b[^>]*>",
    re.IGNORECASE,
)
# Elements whose text a reader never sees as article text.
_DROPPED = ("script", "style", "noscript", "template", "head", "nav", "aside", "form", "button", "iframe")
# Block elements start a new line: headlines and captions become their own paragraphs.
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
    "figure", "figcaption", "blockquote", "header", "footer", "main", "tr", "table", "pre", "hr",
    "dt", "dd", "dl",
}  # fmt: skip
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def looks_like_html(raw: str) -> bool:
    return len(_HTML_TAG.findall(raw[:20000])) >= 1


def html_to_text(raw: str) -> str:
    try:
        root = lxml.html.fromstring(raw)
    except (etree.ParserError, ValueError):
        return raw
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    parts: list[str] = []
    _collect_text(root, parts)
    return "".join(parts)


def _collect_text(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag.lower() in _BLOCKS
    if block:
        parts.append("\n")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def clean_text(raw: str) -> str:
    """HTML becomes its visible text; any text gets unified newlines, single spaces, NFC characters."""
    text = html_to_text(raw) if looks_like_html(raw) else raw
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish",
    "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
}  # fmt: skip


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# CLD2 still answers with a few withdrawn ISO 639-1 codes.
_CLD2_CODES = {"iw": "he", "jw": "jv"}
# Control characters (but tab and newline) and lone surrogates: CLD2 refuses them as invalid UTF-8.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language ("und" when it has no letters to judge)."""
    sample = text[:5000]
    words = re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", sample.lower())
    if not words:
        return "und"
    # A statistical detector can guess wildly on a line or two; English function words are a
    # reliable sign at any length, so they decide first.
    if sum(word in _english_stop_words() for word in words) >= 0.3 * len(words):
        return "en"
    return _detected_language(sample)


def _detected_language(sample: str) -> str:
    """CLD2 (pycld2): its tables live in the C library, about 2 MB per process, where
    langdetect's profiles took about 60 MB of every worker's memory."""
    # Imported here: only extraction workers detect languages, embedding workers never load it.
    import pycld2

    try:
        _, _, details = pycld2.detect(_UNREADABLE.sub(" ", sample), isPlainText=True, bestEffort=True)
    except pycld2.error:
        return "und"
    code = details[0][1]
    # "un": unknown; "xx-Latn", "xxx", "zz…": only a script, or not a language.
    if code == "un" or code.startswith(("xx", "zz")):
        return "und"
    code = code.split("-")[0]  # "zh-Hant" → "zh", "sr-ME" → "sr"
    return _CLD2_CODES.get(code, code)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
