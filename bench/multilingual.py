"""A multilingual benchmark corpus from Debian's translated manual pages (text nobody here wrote):

    python bench/multilingual.py [OUTDIR] [--languages de,fr,ja,zh,ru,pl,uk] [--mb-per-language 1.5]

For each language, ``apt-get download manpages-<language>`` fetches the package (into OUTDIR/debs,
kept for the next run; no root needed, nothing is installed), every manual page in it is turned
into plain text by stripping the roff markup (requests dropped, their text arguments kept, font and
character escapes resolved), and the pages are taken in sorted order up to ``--mb-per-language``
MB. Two files come out in OUTDIR (default ~/.cache/bytebpe-corpora):

* ``multilingual.txt``: one document per page, the languages interleaved page by page, each page
  ending in a blank line (bench/corpus.py and bench/vocabularies.py cut it back into pages);
* ``multilingual_short.txt``: the same text cut into short documents of 100-300 bytes, each cut
  after whitespace where there is some, one document per line (newlines inside a document become
  spaces so that a line is a document).

Scripts covered: Latin (de, fr, pl), Cyrillic (ru, uk), CJK (ja, zh).
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("de", "fr", "ja", "zh", "ru", "pl", "uk")
SHORT_MIN, SHORT_MAX = 100, 300

# Requests whose arguments are text to keep (headings, font changes, tagged paragraphs).
_TEXT_REQUESTS = {"SH", "SS", "B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB", "IP", "TQ", "Nm", "Nd"}
_NAMED_CHARACTERS = {
    "em": "—",
    "en": "–",
    "hy": "-",
    "bu": "•",
    "lq": "“",
    "rq": "”",
    "oq": "‘",
    "cq": "’",
    "aq": "'",
    "dq": '"',
    "co": "©",
    "rg": "®",
    "tm": "™",
    "de": "°",
    "mu": "×",
    "<=": "≤",
    ">=": "≥",
    "->": "→",
    "<-": "←",
    "ua": "↑",
    "da": "↓",
    "ti": "~",
    "ha": "^",
    "rs": "\\",
    "Fo": "«",
    "Fc": "»",
    "fo": "‹",
    "fc": "›",
    "ga": "`",
    "sl": "/",
    "pl": "+",
    "mi": "−",
}
_SINGLE_ESCAPES = {"-": "-", "e": "\\", "\\": "\\", " ": " ", "~": " ", "0": " ", "t": "\t", "'": "´", "`": "`"}
_ESCAPE = re.compile(
    r"\\(?:f(?:\[[^\]]*\]|\(..|.)"  # font changes: dropped
    r"|s[+-]?\d+"  # size changes: dropped
    r"|\*(?:\[[^\]]*\]|\(..|.)"  # strings: dropped
    r"|\((..)|\[([^\]]*)\]"  # named characters: kept
    r"|(.))"  # one-character escapes
)


def _escape(match: re.Match[str]) -> str:
    two, bracketed, single = match.group(1), match.group(2), match.group(3)
    name = two or bracketed
    if name is not None:
        if name.startswith("u") and len(name) > 1:
            try:
                return chr(int(name[1:], 16))
            except ValueError:
                return ""
        return _NAMED_CHARACTERS.get(name, "")
    if single is None:
        return ""
    return _SINGLE_ESCAPES.get(single, "")


def _arguments(rest: str) -> str:
    """The text of a request's arguments: quotes removed, words joined by spaces."""
    words = re.findall(r'"([^"]*)"|(\S+)', rest)
    return " ".join(quoted or bare for quoted, bare in words)


def roff_to_text(source: str) -> str:
    """Plain text of a manual page's roff source: good enough to be real text in its language."""
    lines = []
    for line in source.splitlines():
        if line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            request, _, rest = line[1:].strip().partition(" ")
            if request not in _TEXT_REQUESTS or not rest.strip():
                continue
            line = _arguments(rest)
        line = _ESCAPE.sub(_escape, line.split('\\"', 1)[0]).rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def download(language: str, debs: Path) -> Path:
    """The package of ``language``'s manual pages, downloaded once into ``debs``."""
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"manpages-{language}_*.deb"))
    if not found:
        subprocess.run(["apt-get", "download", f"manpages-{language}"], cwd=debs, check=True)
        found = sorted(debs.glob(f"manpages-{language}_*.deb"))
    if not found:
        raise SystemExit(f"apt-get download manpages-{language} gave no package")
    return found[-1]


def pages(deb: Path) -> Iterator[str]:
    """The text of every manual page in the package, in sorted path order (undecodable pages skipped)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = sorted(
            (m for m in archive.getmembers() if m.isfile() and "/man/" in m.name and m.name.endswith(".gz")),
            key=lambda m: m.name,
        )
        for member in members:
            handle = archive.extractfile(member)
            if handle is None:
                continue
            try:
                source = gzip.decompress(handle.read()).decode("utf-8")
            except (UnicodeDecodeError, OSError, EOFError):
                continue
            if source.startswith(".so "):  # a link to another page
                continue
            text = roff_to_text(source)
            if len(text.encode("utf-8")) >= SHORT_MIN:
                yield text


def short_documents(text: str) -> Iterator[str]:
    """``text`` cut into documents of SHORT_MIN-SHORT_MAX bytes, after whitespace where there is any."""
    flat = " ".join(text.split())
    data = flat.encode("utf-8")
    start = 0
    while len(data) - start >= SHORT_MIN:
        end = min(start + SHORT_MAX, len(data))
        space = data.rfind(b" ", start + SHORT_MIN, end)
        cut = space + 1 if space >= 0 and end < len(data) else end
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # not inside a character
            cut -= 1
        yield data[start:cut].decode("utf-8").strip()
        start = cut


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=Path.home() / ".cache" / "bytebpe-corpora")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--mb-per-language", type=float, default=1.5)
    args = parser.parse_args(argv)
    budget = int(args.mb_per_language * 1e6)
    per_language: list[list[str]] = []
    for language in args.languages.split(","):
        taken, size = [], 0
        for page in pages(download(language, args.outdir / "debs")):
            if size >= budget:
                break
            taken.append(page)
            size += len(page.encode("utf-8"))
        print(f"{language}: {len(taken)} pages, {size / 1e6:.1f} MB", file=sys.stderr)
        per_language.append(taken)
    longest = max(len(group) for group in per_language)
    interleaved = [group[i] for i in range(longest) for group in per_language if i < len(group)]
    args.outdir.mkdir(parents=True, exist_ok=True)
    (args.outdir / "multilingual.txt").write_text("\n".join(interleaved), encoding="utf-8")
    with (args.outdir / "multilingual_short.txt").open("w", encoding="utf-8") as out:
        for page in interleaved:
            for document in short_documents(page):
                out.write(document + "\n")
    print(f"wrote {args.outdir / 'multilingual.txt'} and {args.outdir / 'multilingual_short.txt'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
