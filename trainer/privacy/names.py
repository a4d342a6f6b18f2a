"""The given names the identifier check looks for, and the ones it leaves alone. Pure, no Flask.

The names are the US-census-derived ``female_names`` and ``male_names`` frequency lists that the
password strength estimator zxcvbn ships (about 4,700 names, a few tens of kilobytes, already a
pinned dependency of the app, maintained with it; nothing is downloaded at run time). The
maintained names dataset on PyPI (names-dataset) holds millions of names from many countries but
needs gigabytes of memory, too much for a check that runs on every form. A name missing from the
lists (many non-English names are) is not recognised.

Some given names are also English words or clinical terms (Faith, Patience, Mark, Christian). No
hand-written list of exceptions: the curriculum (modules/ and quizzes/ of this repository) is the
app's own corpus of clinical writing, and a given name it uses as a word (in lower case, "the
client's faith", or right after an article, "a Christian counsellor": a person's given name takes
no article) is taken to be a word everywhere. The rest of the names that are also words ("Grace",
"Rose") are findings the writer may confirm are not a person's name (trainer/practice/forms.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

#: the repository root, where modules/ and quizzes/ live
CURRICULUM_ROOT = Path(__file__).resolve().parents[2]

#: an article, then a word: the word is used as a common noun or an adjective
_AFTER_ARTICLE = re.compile(
    r"(?<![\w'’-])(?:[Aa]n?|[Tt]he)[ \t]{1,2}([A-Z][a-z]{1,30})\b"
)
#: an article and the spaces after it, at the end of the few characters before a word
_ARTICLE_BEFORE = re.compile(r"(?:^|[^\w'’-])(?:an?|the)[ \t]{1,2}$", re.IGNORECASE)
#: a word in lower case: a whole word ("meta" of "meta-analysis" too), not a contraction's part
#: ("don" of "don't")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]{2,30}(?![\w'’])")


def census_names() -> frozenset[str]:
    """Every given name in zxcvbn's lists, in lower case."""
    return frozenset(FREQUENCY_LISTS["female_names"]) | frozenset(
        FREQUENCY_LISTS["male_names"]
    )


def words_used_as_words(texts: Iterable[str], names: frozenset[str]) -> frozenset[str]:
    """The ``names`` that ``texts`` use as ordinary words: in lower case, or after an article."""
    used: set[str] = set()
    for text in texts:
        used.update(word for word in _LOWER_WORD.findall(text) if word in names)
        used.update(
            word.lower()
            for word in _AFTER_ARTICLE.findall(text)
            if word.lower() in names
        )
    return frozenset(used)


def curriculum_texts(root: Path = CURRICULUM_ROOT) -> list[str]:
    """The text of every module and quiz file (none when the package runs without them)."""
    paths = sorted((root / "modules").glob("*.md")) + sorted(
        (root / "quizzes").glob("*.yaml")
    )
    return [path.read_text(encoding="utf-8") for path in paths]


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The names the check looks for, in lower case: loaded once per process."""
    names = census_names()
    return names - words_used_as_words(curriculum_texts(), names)


def after_article(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows an article ("a Latina client"); reads at most six
    characters back, so the check stays linear."""
    before = text[max(0, start - 6) : start]
    return _ARTICLE_BEFORE.search(before) is not None
