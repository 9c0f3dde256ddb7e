"""French typography for the text the project writes for a French reader (the workshop page, its
workbook's codebook)."""

from __future__ import annotations

import re

NBSP = "\u00a0"    # no-break space: before a French colon, inside guillemets


def french_spacing(text: str) -> str:
    """French typography: a no-break space before ``: ; ! ?`` and inside « », so none starts a line, and
    the typographic apostrophe (« l’atelier », as the report writes it)."""
    text = re.sub(r" ([:;!?»])", NBSP + r"\1", text).replace("'", "’")
    return text.replace("« ", "«" + NBSP)
