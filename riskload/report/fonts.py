"""Names in any script on the figures: matplotlib's font fallback over the fonts this machine has.

Runners name their runs in their own language ("成都市 跑步", "Утренний бег",
"ジョギング"). matplotlib's default font, DejaVu Sans, covers Latin, Greek,
Cyrillic, Hebrew and most Arabic, but no Chinese, Japanese or Korean. Since
matplotlib 3.6 a character missing from the first font is taken from the
next family in ``font.family``, so riskload adds the script fonts it finds
behind the family in use. Which fonts exist is the machine's business: on Debian and
Ubuntu ``apt install fonts-noto-cjk`` covers Chinese, Japanese and Korean.
A character no installed font covers is drawn as a box, silently: figures
never print matplotlib's "Glyph ... missing from font(s)" warnings.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager

import matplotlib
from matplotlib import font_manager

#: Font families tried, in order, for characters DejaVu Sans lacks.
SCRIPT_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK KR", "Source Han Sans",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN",
                "Noto Sans Arabic", "Noto Sans Devanagari", "Noto Sans Thai", "Noto Emoji", "Symbola")
#: Font files worth registering when matplotlib's font list predates them.
_SCRIPT_FILE = re.compile(r"(?i)(cjk|wqy|wenquanyi|droidsansfallback|sourcehan|uming|notosansarabic|"
                          r"notosansdevanagari|notosansthai|notoemoji|symbola)")
#: What matplotlib says when a font lacks a character.
GLYPH_WARNING = r"Glyph \d+ .*missing from (current )?font"


def script_fonts() -> list[str]:
    """The :data:`SCRIPT_FONTS` matplotlib can use here, registering system fonts it has not listed yet.

    matplotlib keeps its list of fonts in a cache made when it first ran, so
    a font installed later is found on disk and added.
    """
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    if not known.intersection(SCRIPT_FONTS):
        for path in font_manager.findSystemFonts():
            if _SCRIPT_FILE.search(path.replace(" ", "")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot read
                    continue
        known = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in SCRIPT_FONTS if name in known]


def use_script_fonts() -> None:
    """Add the installed script fonts to matplotlib's font families, after the ones already chosen.

    matplotlib's fallback chain is ``font.family`` (a generic name such as
    ``sans-serif`` stands for its first installed font), so the script fonts
    go there, behind whatever family the user set.
    """
    found = script_fonts()
    current = [name for name in matplotlib.rcParams["font.family"] if name not in found]
    matplotlib.rcParams["font.family"] = current + found


@contextmanager
def quiet_glyphs():
    """Draw without matplotlib's warnings about characters no font has."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=GLYPH_WARNING)
        yield
