"""A search text as a fact-checker would type it: social-media noise taken out of a pasted post.

Posts pasted into "Checked before?" carry links, `pic.twitter.com/…` picture links, @handles,
"— Name (@handle) Month D, YYYY" signatures, run-together hashtags and emoji. None of it is in
the claims we match against, and the encoder and the full-text search both weigh it like words.

What carries meaning is kept in words: a hashtag `#AustralianFires` becomes "Australian Fires", a
handle `@realDonaldTrump` becomes "Donald Trump", and a signature keeps its author's name (who
posted it is often what a fact-check is about: "Trump tweeted that …"). Pure Python.
"""

from __future__ import annotations

import html
import re
import unicodedata

_PICTURE = re.compile(r"pic\.twitter\.com/\w+", re.IGNORECASE)
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "— Center for Bio Div (@CenterForBioDiv) January 14, 2020" at the end of an embedded tweet; the
# date may be cut off. The name is kept.
_SIGNATURE = re.compile(
    r"\s*[\u2014\u2013]\s*(?P<name>[^\u2014\u2013()]{1,80}?)\s*\(@\w{1,30}\)"
    r"(?:\s+[A-Z][a-z]{2,9}\.?(?:\s+\d{1,2},?)?(?:\s+\d{4})?)?[\s\"\u201d']*$"
)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")
# Hashtags are often run together ("#elpaso#aoc") or onto the word before them.
_HASHTAG = re.compile(r"#(\w+)")
# Lower to upper ("AustralianFires"), an acronym before a word ("NYCMayor"), letters to digits.
_WORD_BOUNDARY = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)
# Handles often carry a prefix that is not part of the name.
_HANDLE_PREFIX = re.compile(r"^(?:real|the|its|im|iam|official)(?=[A-Z])")
_SPACES = re.compile(r"\s+")
_REPEATED_MARKS = re.compile(r"([!?.])\1+")


def split_words(tag: str) -> str:
    """`AustralianFires` → "Australian Fires", `covid_19` → "covid 19"."""
    return " ".join(_WORD_BOUNDARY.sub(" ", tag.replace("_", " ")).split())


def _handle_words(match: re.Match[str]) -> str:
    return split_words(_HANDLE_PREFIX.sub("", match.group(1)))


def _is_pictograph(char: str) -> bool:
    # Emoji and other pictographs are "So" (symbol, other); variation selectors and skin tones
    # are "Mn"/"Sk" around them; regional indicators (flags) are "So" too.
    category = unicodedata.category(char)
    return category == "So" or char in "\ufe0f\u200d" or 0x1F3FB <= ord(char) <= 0x1F3FF


def clean_query(text: str) -> str:
    """The post's words without links, handles, signature, hashtag marks and emoji."""
    text = html.unescape(text).replace("\xa0", " ")
    # Links first: a hashtag run into a link ("#Tornillopic.twitter.com/…") loses the link only.
    text = _PICTURE.sub(" ", text)
    text = _LINK.sub(" ", text)
    text = "".join(" " if _is_pictograph(char) else char for char in text)
    text = _SIGNATURE.sub(lambda match: f" {match.group('name').strip()}.", text.rstrip())
    text = _HASHTAG.sub(lambda match: " " + split_words(match.group(1)), text)
    text = _HANDLE.sub(_handle_words, text)
    text = _REPEATED_MARKS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()
