"""The words of a "checked before?" query worth a full-text search: its rarest few.

A pasted post has dozens of words. An OR of all of them matched a large share of the corpus
(every claim saying "said", "people" or "video"), and every matched row was ranked: a long post
cost the database twice the CPU of a short one (CheckThat! 2022 dev, 14k claims: p95 34 ms
against p50 16 ms; with the rarest words, 17 and 12.5). What tells one fact-check from another
is the rare words, so each full-text list
searches only the query's `count` rarest lexemes, none found in more than `max_share` of the rows
(unless that is only a few rows); each then matches a few rows, and only those are ranked.

How rare a lexeme is comes from the planner's statistics: ANALYZE (the bulk import runs it,
autovacuum repeats it) keeps, for a tsvector column, its most common lexemes with the share of
rows holding each (`pg_stats.most_common_elems`). A lexeme not among them is rarer than every
one of them. Reading the list costs about 10 ms (a thousand lexemes cast from `anyarray`), too
much for every query, so a process keeps it for STATISTICS_SECONDS. Without statistics (a table
never analysed) every lexeme counts as rare, and the query's first `count` are searched.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db import connection

# How long a process keeps a column's statistics before reading them again.
STATISTICS_SECONDS = 600.0

QUERY_LEXEMES_SQL = """
SELECT word.lexeme, word.positions[1]
FROM unnest(to_tsvector('english'::regconfig, %s)) AS word
"""

COMMON_LEXEMES_SQL = """
SELECT most_common_elems::text::text[], most_common_elem_freqs,
    (SELECT reltuples FROM pg_class WHERE oid = to_regclass(%(table)s))
FROM pg_stats
WHERE schemaname = current_schema() AND tablename = %(table)s AND attname = %(column)s
"""


@dataclass(frozen=True)
class Lexeme:
    """A normalised word of the query (English stemming and stop words, as the index has it) and
    where it first occurs."""

    text: str
    position: int


def query_lexemes(text: str) -> list[Lexeme]:
    """The text's lexemes, as `to_tsvector('english', …)` indexes a claim's text."""
    with connection.cursor() as cursor:
        cursor.execute(QUERY_LEXEMES_SQL, [text.replace("\x00", " ")])  # a text value cannot hold NUL
        return [Lexeme(text=lexeme, position=position or 0) for lexeme, position in cursor.fetchall()]


@dataclass(frozen=True)
class LexemeStatistics:
    """A column's most common lexemes and the share of rows holding each, and its row count."""

    shares: dict[str, float]
    rows: float

    def is_common(self, lexeme: str, *, max_share: float, min_rows: float) -> bool:
        """In more than `max_share` of the rows, and in more than `min_rows` of them: in a small
        table even the commonest word matches few rows, and searching it costs nothing."""
        share = self.shares.get(lexeme, 0.0)
        return share > max_share and share * self.rows > min_rows


NO_STATISTICS = LexemeStatistics(shares={}, rows=0.0)


class CommonLexemes:
    """LexemeStatistics of one tsvector column, read from pg_stats at most every
    STATISTICS_SECONDS per process and database."""

    def __init__(self, table: str, column: str) -> None:
        self.table = table
        self.column = column
        self._lock = threading.Lock()
        self._read: dict[str, tuple[float, LexemeStatistics]] = {}

    def statistics(self) -> LexemeStatistics:
        database = str(connection.settings_dict["NAME"])
        kept = self._read.get(database)
        if kept is not None and time.monotonic() - kept[0] < STATISTICS_SECONDS:
            return kept[1]
        with self._lock, connection.cursor() as cursor:
            cursor.execute(COMMON_LEXEMES_SQL, {"table": self.table, "column": self.column})
            row = cursor.fetchone()
            found = NO_STATISTICS
            if row and row[0]:
                # The shares end with three summary numbers (lowest, highest, null share).
                found = LexemeStatistics(shares=dict(zip(row[0], row[1], strict=False)), rows=float(row[2]))
            self._read[database] = (time.monotonic(), found)
            return found

    def forget(self) -> None:
        """Read the statistics again at the next query (after an ANALYZE, in tests)."""
        self._read.clear()


CLAIM_TEXT = CommonLexemes("claims_claim", "text_search")
ARTICLE_TITLE = CommonLexemes("claims_article", "title_search")


def rarest(
    lexemes: list[Lexeme], statistics: LexemeStatistics, *, count: int, max_share: float, min_rows: float
) -> list[str]:
    """Up to `count` lexemes, rarest first (then in the order of the text), leaving out the
    common ones (LexemeStatistics.is_common) and single characters (the "m" of "I\u2019m")."""
    eligible = sorted(
        (statistics.shares.get(lexeme.text, 0.0), lexeme.position, lexeme.text)
        for lexeme in lexemes
        if len(lexeme.text) > 1
        and not statistics.is_common(lexeme.text, max_share=max_share, min_rows=min_rows)
    )
    return [text for _, _, text in eligible[:count]]


def any_of(lexemes: list[str]) -> str | None:
    """A tsquery text matching any of the lexemes, each taken as it is (already normalised);
    None when there are none."""
    quoted = ("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
    return " | ".join(quoted) or None
