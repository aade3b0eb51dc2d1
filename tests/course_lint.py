"""The course lint: what a student sees in the stored notebooks, checked rule by rule.

Reads a stored notebook (the committed outputs of a real run) and returns one
:class:`Finding` (notebook, cell, rule, text) per breach of a rule of :data:`RULES`.
``tests/test_course_lint.py`` runs it on every notebook of the course and shows, for each
rule, a mutated copy that the rule catches. Run it by hand to list the findings::

    python tests/course_lint.py notebooks/01_convolucion_y_filtros.ipynb ...

Student-facing output is what JupyterLab renders of a code cell: stream text (stdout and
stderr) and, for rich outputs, the richest type (HTML before PNG before plain text, so a
figure's ``<Figure size ...>`` text is never shown and never checked). The rules:

- ``english``: an English word of :data:`ENGLISH_WORDS`, a Python literal (``True``,
  ``False``, ``None``) or a dict / list / tuple repr holding strings (``{'max': ...}``) in an
  output. Identifiers (``max_pooling2d``, ``Conv2D``) are code names, not words.
- ``decimal-point``: a number written with a decimal point (``0.93``) in an output or in
  the prose of a markdown cell (inline code, code blocks and LaTeX are code listings and
  are skipped; so is the explicit repr of a NumPy array, ``array([0.5, ...])``).
  ``1.413.834`` (Spanish thousands) and version numbers (``3.11.7``) are not decimals.
- ``snake-case-header``: a column header like ``acierto_medio`` in a table output.
- ``accuracy-word``: "exactitud" anywhere (the course says "acierto" for accuracy).
- ``stderr``: any stderr stream output.
- ``solution``: the course convention for solutions is broken: (a) a cell tagged
  ``solution`` without ``jupyter.source_hidden`` and ``jupyter.outputs_hidden``, except the
  "## Soluciones" heading, which is tagged (student copies drop it) but must not be folded,
  so that the section can be found and its instruction read; (b) a cell
  of the "## Soluciones" section (from that heading to the end; one such heading) not
  tagged ``solution``; (c) an exercise cell (one with a ``### BEGIN SOLUTION`` region,
  nbgrader's solution region of graded notebooks) outside that section that has stored
  outputs (the worked output belongs to the section) or whose region's code does not appear
  in a ``solution`` cell of the section (the worked solution belongs there).
- ``small-panel``: a figure panel under :data:`MIN_PANEL_PX` on its short side. Panels are
  found in the PNG by its background gutters (rows / columns of the background colour);
  bands thinner than :data:`TEXT_BAND_PX` (titles, colour bars) join their neighbour.
- ``wide-figure``: a figure wider than the notebook column (:data:`COLUMN_PX`).
- ``figure-size``: a single figure over :data:`MAX_FIGURE_BYTES`.
- ``notebook-size``: a notebook file over :data:`MAX_NOTEBOOK_BYTES`.

Sizes are display sizes: a PNG whose output metadata gives ``width`` (retina figures) is
measured at that width; otherwise JupyterLab shows one PNG pixel per CSS pixel, whatever dpi
the PNG's own ``pHYs`` chunk records, so the pixel size is the display size.

Overlapping text in a figure cannot be read from a stored PNG: that rule is checked on the
library side instead, where the text's bounding boxes are known (``tests/test_course_lint.py``
draws every ``cnnkit.viz`` visualizer and checks that it has a layout engine and that its
titles and labels do not overlap).

:data:`ALLOWED` lists the few places where a rule must not apply, each with its reason.
"""

from __future__ import annotations

import base64
import html
import io
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np

RULES = ("english", "decimal-point", "snake-case-header", "accuracy-word", "stderr",
         "solution", "small-panel", "wide-figure", "figure-size", "notebook-size")  # fmt: skip
"""Every rule of the lint, as named in a :class:`Finding`."""

MIN_PANEL_PX = 250
COLUMN_PX = 1000
TEXT_BAND_PX = 60
MAX_FIGURE_BYTES = 150_000
MAX_NOTEBOOK_BYTES = 800_000

ENGLISH_WORDS = frozenset("""
    the and of is are was with without from for this that these those which by to into
    layer layers params parameters trainable output outputs shape model models epoch
    epochs loss accuracy step steps max average mean nearest bed nails warning
    train training validation value values time size weights input count found not
    true false none yes label labels predicted prediction class classes
    sample samples seconds minutes elapsed done running using use per than
""".split())
"""English words that must not appear in a Spanish output (none of them is Spanish). The
technical terms the Spanish prose of the course uses as they are (padding, stride, kernel,
batch, test, "max pooling", "average pooling") and the words Spanish shares with English
(total, error) are not in it, nor "image", the name cnnkit's builders give their input layer
(a code name that model summaries show)."""

TECHNICAL_TERMS = re.compile(r"\b(max|average|global average|global max) pooling\b", re.I)


@dataclass(frozen=True)
class Finding:
    """One breach: the notebook (file name), the cell index, the rule and the text."""

    notebook: str
    cell: int | None
    rule: str
    text: str

    def __str__(self) -> str:
        where = "notebook" if self.cell is None else f"cell {self.cell}"
        return f"{self.notebook}, {where}, {self.rule}: {self.text}"


@dataclass(frozen=True)
class Allowed:
    """A place where a rule must not apply: notebook, rule, a piece of the text, why."""

    notebook: str
    rule: str
    text: str
    reason: str

    def covers(self, finding: Finding) -> bool:
        return (finding.notebook == self.notebook and finding.rule == self.rule
                and self.text in finding.text)  # fmt: skip


ALLOWED: tuple[Allowed, ...] = ()
"""The allow-list (aim: under 10 entries)."""


# --------------------------------------------------------------------------------------
# what the student sees
# --------------------------------------------------------------------------------------


class _TableText(HTMLParser):
    """The header cells (``<th>``) and all the text of an HTML output."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.texts: list[str] = []
        self._in_th = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self._in_th = self._in_th or tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._skip or not data.strip():
            return
        self.texts.append(data.strip())
        if self._in_th:
            self.headers.append(data.strip())


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def shown_outputs(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """``(kind, text)`` of what JupyterLab shows of a code cell: ``stdout``, ``stderr``,
    ``html``, ``plain``, ``array`` (an explicit NumPy repr), ``png`` (base64) or ``error``."""
    shown = []
    for output in cell.get("outputs", []):
        kind = output.output_type
        if kind == "stream":
            shown.append((output.name, _text(output.text)))
        elif kind == "error":
            shown.append(("error", f"{output.ename}: {output.evalue}"))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            if "text/html" in data:
                shown.append(("html", _text(data["text/html"])))
            elif "image/png" in data:
                shown.append(("png", _text(data["image/png"])))
            elif "text/plain" in data:
                text = _text(data["text/plain"])
                shown.append(("array" if text.startswith("array(") else "plain", text))
    return shown


def _png_outputs(cell: nbformat.NotebookNode) -> list[tuple[bytes, float]]:
    """The PNG figures of a cell: bytes and display scale (metadata width / pixel width)."""
    found = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            raw = base64.b64decode(_text(data["image/png"]))
            width = output.get("metadata", {}).get("image/png", {}).get("width")
            pixels = png_size(raw)[0]
            found.append((raw, width / pixels if width and pixels else 1.0))
    return found


def png_size(raw: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its IHDR chunk."""
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


def _snippet(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 30), min(len(text), end + 30)
    return " ".join(text[left:right].split())


# --------------------------------------------------------------------------------------
# the rules
# --------------------------------------------------------------------------------------

_WORD = re.compile(r"(?<![\w.'\"/=-])[A-Za-z]+(?![\w'\"/(-])")
_LITERAL = re.compile(r"(?<![=\w])(True|False|None)\b")
_STRING_REPR = re.compile(r"[\[{(,]\s*'[^'\n]*'\s*[:,\]})]")
_DECIMAL = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w]|\.\d)")
_BARE_POINT = re.compile(r"(?<![\w.,])\d+\.(?=[ \]])")
_SPANISH_GROUPS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_PROSE_CODE = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|https?://\S+|\]\([^)]*\)|<[^>]+>", re.S
)


def english(text: str) -> list[str]:
    """English words, Python literals and string reprs in an output text, one finding per
    distinct word (``True`` after ``=`` is quoted code, ``flip=True``, and is skipped)."""
    found, seen = [], set()
    text = TECHNICAL_TERMS.sub(lambda m: "_" * len(m.group(0)), text)
    matches = [*_LITERAL.finditer(text), *_STRING_REPR.finditer(text)]
    matches += [m for m in _WORD.finditer(text) if m.group(0).lower() in ENGLISH_WORDS
                and (m.group(0).islower() or m.group(0).istitle())]  # fmt: skip
    for match in sorted(matches, key=lambda m: m.start()):
        key = match.group(0) if match.re is not _STRING_REPR else "repr"
        if key not in seen:
            seen.add(key)
            where = _snippet(text, match.start(), match.end())
            found.append(f"{match.group(0).strip()!r} in: {where}")
    return found


def decimal_points(text: str) -> list[str]:
    """Numbers written with a decimal point (not Spanish thousands, not versions), and the
    ``2.`` of NumPy's float printing inside brackets: one finding with their count."""
    found = []
    for match in _DECIMAL.finditer(text):
        number = match.group(0)
        if number.count(".") == 1 and not _SPANISH_GROUPS.fullmatch(number):
            found.append(match)
    for line in re.finditer(r"^.*\[.*$", text, re.M):
        found += [m for m in _BARE_POINT.finditer(line.group(0))]
    if not found:
        return []
    first = found[0]
    where = _snippet(first.string, first.start(), first.end())
    return [f"{len(found)} number(s) with a decimal point, first {first.group(0)!r} in: {where}"]


def _prose(markdown: str) -> str:
    """The prose of a markdown cell: code, LaTeX, links and HTML tags blanked out."""
    return _PROSE_CODE.sub(" ", markdown)


def _output_findings(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    found = []
    for kind, text in shown_outputs(cell):
        if kind == "stderr":
            found.append(("stderr", " ".join(text.split())[:120]))
        if kind in ("stdout", "stderr", "plain", "error", "html"):
            words = text
            if kind == "html":
                parser = _TableText()
                parser.feed(text)
                words = "\n".join(parser.texts)
                found += [("snake-case-header", h) for h in parser.headers if _SNAKE.match(h)]
            found += [("english", s) for s in english(words)]
            found += [("decimal-point", s) for s in decimal_points(words)]
        if kind == "plain" and "\n" in text:  # a DataFrame repr: headers on the first line
            found += [("snake-case-header", h) for h in text.splitlines()[0].split()
                      if _SNAKE.match(h)]  # fmt: skip
    return found


def _figure_findings(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    found = []
    for raw, scale in _png_outputs(cell):
        width, height = png_size(raw)
        if len(raw) > MAX_FIGURE_BYTES:
            found.append(("figure-size", f"{len(raw) / 1000:.0f} KB ({width}x{height} px)"))
        if width * scale > COLUMN_PX:
            found.append(("wide-figure", f"{width * scale:.0f} px wide ({width}x{height} px)"))
        sizes = panels(raw)
        small = [(w, h) for w, h in sizes if min(w, h) * scale < MIN_PANEL_PX]
        if small:
            w, h = min(small, key=min)
            found.append(("small-panel",
                          f"{len(small)} of {len(sizes)} panels under {MIN_PANEL_PX} px, "
                          f"smallest {w * scale:.0f}x{h * scale:.0f} px, in a "
                          f"{width}x{height} px figure"))  # fmt: skip
    return found


def _bands(used: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in ``used``, joined when a run is thinner than :data:`TEXT_BAND_PX`
    (a title, a tick-label row or a colour bar belongs to the panel next to it)."""
    runs, start = [], None
    for index, value in enumerate([*used.tolist(), False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            runs.append([start, index])
            start = None
    merged = True
    while merged and len(runs) > 1:
        merged = False
        for i, (a, b) in enumerate(runs):
            if b - a < TEXT_BAND_PX:
                j = i + 1 if i == 0 or (i + 1 < len(runs)
                                         and runs[i + 1][0] - b <= a - runs[i - 1][1]) else i - 1
                lo, hi = sorted((i, j))
                runs[lo:hi + 1] = [[runs[lo][0], runs[hi][1]]]
                merged = True
                break
    return [(a, b) for a, b in runs]


def panels(raw: bytes) -> list[tuple[int, int]]:
    """Width and height in pixels of each panel of a PNG figure (see the module doc)."""
    import matplotlib.image as mpimg

    image = mpimg.imread(io.BytesIO(raw), format="png")
    rgb = image[..., :3] if image.ndim == 3 else image[..., None]
    background = rgb[0, 0]
    ink = np.abs(rgb - background).max(axis=-1) > 0.02
    sizes = []
    for top, bottom in _bands(ink.any(axis=1)):
        band = ink[top:bottom]
        for left, right in _bands(band.any(axis=0)):
            rows = np.flatnonzero(band[:, left:right].any(axis=1))
            sizes.append((right - left, int(rows[-1] - rows[0] + 1)))
    return sizes


def _exercise_regions(source: str) -> list[list[str]]:
    """The code lines of each ``### BEGIN SOLUTION`` region of a cell (comments and blank
    lines dropped)."""
    regions, current = [], None
    for line in source.splitlines():
        if line.strip() == "### BEGIN SOLUTION":
            current = []
        elif line.strip() == "### END SOLUTION":
            regions.append(current or [])
            current = None
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
    return regions


def _solution_findings(nb: nbformat.NotebookNode) -> list[tuple[int | None, str]]:
    found: list[tuple[int | None, str]] = []
    starts = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "markdown" and re.search(r"^## Soluciones\b", c.source, re.M)]
    if len(starts) != 1:
        found.append((None, f"expected one '## Soluciones' heading, found {len(starts)}"))
    start = starts[0] if starts else len(nb.cells)
    solution_code = set()
    for index, cell in enumerate(nb.cells):
        tagged = "solution" in cell.metadata.get("tags", [])
        hidden = cell.metadata.get("jupyter", {})
        if index == start:
            if hidden.get("source_hidden"):
                found.append((index, "the '## Soluciones' heading is folded: leave it visible "
                                     "(drop jupyter.source_hidden; the cells below stay folded)"))
        elif tagged and not (hidden.get("source_hidden") is True
                             and hidden.get("outputs_hidden") is True):
            found.append((index, "a solution cell shows its code or output "
                                 "(needs jupyter.source_hidden and outputs_hidden)"))
        if index >= start and not tagged:
            found.append((index, "a cell of the Soluciones section is not tagged 'solution'"))
        if index >= start and tagged and cell.cell_type == "code":
            solution_code |= {line.strip() for line in cell.source.splitlines()}
    for index, cell in enumerate(nb.cells[:start]):
        if cell.cell_type != "code":
            continue
        regions = _exercise_regions(cell.source)
        if regions and cell.get("outputs"):
            first = shown_outputs(cell)[0][1] if shown_outputs(cell) else ""
            found.append((index, "an exercise cell shows the output of its solution: "
                                 + " ".join(first.split())[:80]))
        for region in regions:
            missing = [line for line in region if line not in solution_code]
            if missing:
                found.append((index, "the solution of this exercise is not in the "
                                     f"Soluciones section: {missing[0][:80]}"))
    return found


def lint_notebook(path: Path, nb: nbformat.NotebookNode | None = None) -> list[Finding]:
    """Every finding of every rule in one stored notebook (before the allow-list)."""
    path = Path(path)
    name = path.name
    if nb is None:
        nb = nbformat.read(path, as_version=4)
        size = path.stat().st_size
    else:
        size = len(nbformat.writes(nb).encode())
    findings = []
    if size > MAX_NOTEBOOK_BYTES:
        findings.append(Finding(name, None, "notebook-size", f"{size / 1000:.0f} KB"))
    for index, cell in enumerate(nb.cells):
        texts = [cell.source] + [text for _, text in shown_outputs(cell)]
        matches = [m for text in texts for m in re.finditer(r"exactitud", text, re.I)]
        if matches:
            where = _snippet(matches[0].string, matches[0].start(), matches[0].end())
            findings.append(Finding(name, index, "accuracy-word",
                                    f"{len(matches)} time(s) 'exactitud', first in: {where}"))
        if cell.cell_type == "markdown":
            prose = _prose(cell.source)
            findings += [Finding(name, index, "decimal-point", s) for s in decimal_points(prose)]
        elif cell.cell_type == "code":
            findings += [Finding(name, index, r, t) for r, t in _output_findings(cell)]
            findings += [Finding(name, index, r, t) for r, t in _figure_findings(cell)]
    findings += [Finding(name, i, "solution", t) for i, t in _solution_findings(nb)]
    return findings


def lint(path: Path, nb: nbformat.NotebookNode | None = None) -> list[Finding]:
    """The findings of :func:`lint_notebook` that the allow-list does not cover."""
    return [f for f in lint_notebook(path, nb) if not any(a.covers(f) for a in ALLOWED)]


def main(argv: list[str]) -> int:
    findings = [f for path in argv for f in lint(Path(path))]
    for finding in findings:
        print(html.unescape(str(finding)))
    print(f"{len(findings)} findings", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
