"""Lines an extractor keeps that are not article text: the headline again, and the short
promotional, navigational and credit lines news sites put around and inside a story.

Copyright lines are left alone: wire stories carry theirs as part of the article.
"""

from __future__ import annotations

import re

from service.articles.parse_body import agreement, length, words

# Only short lines are judged: a long paragraph that happens to start with "Follow" or
# "Related" is prose, and dropping real text costs more than keeping a stray link.
_MAX_WORDS = 25
_HEAD_LINES = 2

_BOILERPLATE = re.compile(
    r"""^(?:
        (?:related(?:\s+(?:articles?|stories|posts?|coverage|content))?|read\s+(?:more|also|next)
          |see\s+(?:more|also)|also\s+read|more\s+from\s+\S+|most\s+(?:read|popular)
          |recommended|trending|don'?t\s+miss|you\s+may\s+also\s+like|also\s+on\s+\S+
          |more\s+on\s+this\s+story|further\s+reading|filed\s+under|tags?|topics?)\b\s*[:|.…].*
      | (?:you\s+(?:may|might)\s+also\s+like|most\s+read\s+in\s+.+|don'?t\s+miss
          |related(?:\s+(?:stories|articles|posts|coverage))?|recommended(?:\s+for\s+you)?
          |read\s+more|more\s+stories|trending(?:\s+now)?)\s*[:.…]?
      | (?:additional\s+)?reporting\s+by\s.+|(?:editing|writing|compiled)\s+by\s.+
      | .{0,80}\scontributed\s+(?:reporting|to\s+this\s+report).*
      | follow\s+(?:us|@|\S+(?:\s+\S+){0,4}\s+on\s+(?:twitter|facebook|instagram|x|linkedin))
      | (?:subscribe|sign\s+up)\s+(?:to|for|now|today|here).*
      | click\s+here\b.*|get\s+the\s+\S+\s+app\b.*
      | like\s+this\s+(?:story|article)\b.*|share\s+this\s+(?:story|article)\b.*
      | \d*\s*comments?|leave\s+a\s+(?:comment|reply)|tell\s+us\s+what\s+you\s+think.*
      | (?:source|sources)\s*:\s*\S.{0,60}
      | [\d\s:/.,年月日时分秒-]*\d{4}[\d\s:/.,年月日时分秒-]*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip(" -–—•*|")
    return length(stripped) <= _MAX_WORDS and bool(_BOILERPLATE.match(stripped))


def is_headline(line: str, title: str | None) -> bool:
    if not title or not words(line):
        return False
    return agreement(line, title) >= 0.8 or (
        len(words(line)) >= 4 and line.strip().casefold() == title.strip().casefold()
    )


def clean(text: str, *, title: str | None) -> str:
    """``text`` without the headline at its top and boilerplate lines; a text made only of
    such lines is returned unchanged rather than emptied."""
    lines = text.split("\n")
    kept = [
        line
        for i, line in enumerate(lines)
        if not (i < _HEAD_LINES and is_headline(line, title)) and not is_boilerplate(line)
    ]
    return "\n".join(kept) if any(words(line) for line in kept) else text
