"""``patchlens explain``: one document gathering a patch, series or thread and its reviews.

The seed review asks for "all that background in one place". This module
reads every message of the input, lints the patches, groups everything into
threads (:mod:`lint.thread.threads`), builds the model (:mod:`lint.explain.model`)
and renders it with the Jinja2 templates in ``templates/``:

- ``md``: Markdown; every piece of mail prose is escaped, so a changelog can
  never inject markup, and code, logs, lists and quotes are fenced, so that
  they keep their lines;
- ``html``: a standalone page (inline CSS, light and dark, printable); mail
  prose is reflowed to the page's width, while code, logs, indented blocks,
  quotes and lists keep their lines (see :func:`mail_blocks`); the rulebook's
  reference text is Markdown rendered by markdown-it-py with raw HTML disabled;
- ``txt``: plain text;
- ``changelog``: the ``== Title ==`` sections, wrapped at 75 columns, ready
  to paste into the next version (see :func:`changelog_sections`).

Jinja2 and markdown-it-py are imported here only, when rendering.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence

from lint.checks.api import CheckContext
from lint.engine.pipeline import DecodeOptions, read_patches
from lint.engine.rules import is_linted, run
from lint.explain.document import Attributed, ThreadExplainer, Topic
from lint.explain.model import build_thread
from lint.lazyregex import lazy_regex
from lint.mail.model import RawMail
from lint.patch.model import Patch
from lint.record import record
from lint.resources import resource_dir
from lint.rulebook.ruleset import Ruleset, RuleSpec
from lint.thread.grouping import group_threads
from lint.thread.threads import MessageSummary, summarize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

FORMATS = ("md", "html", "txt", "changelog")
WRAP = 75
"""Changelog lines are wrapped at 75 columns, as submitting-patches.rst asks."""

# Characters CommonMark gives a meaning to anywhere in a line; escaping each keeps
# mail text literal. At the start of a line, list, heading and rule markers too.
_MD_SPECIAL = lazy_regex(r"([\\`*_{}\[\]<>#!|~&])")
_MD_LINE_START = lazy_regex(r"^([-+=])", re.MULTILINE)
_MD_ORDERED = lazy_regex(r"^(\d+)([.)])", re.MULTILINE)
# Starts of list items as changelogs write them: bullets, "1." or "1)", and the
# "[1] https://..." footnotes that follow a paragraph citing them.
_LIST_ITEM = lazy_regex(r"(?:[-*+]|\d{1,3}[.)]|\[\d{1,3}\])\s")
# A kernel log line pasted without indentation: "[    0.123456] ...".
_LOG_LINE = lazy_regex(r"\[\s*\d+\.\d+\]")


@record
class Explainer:
    """The explainer of a whole input: one entry per thread, in input order."""

    threads: tuple[ThreadExplainer, ...]
    messages: int


@record
class MailBlock:
    """A stretch of one mail paragraph, and how a format that reflows text shows it."""

    kind: str
    """``prose`` (to reflow), ``list`` and ``quote`` (lines kept), ``code`` (lines and
    indentation kept, monospace)."""
    text: str
    """The lines as written."""

    @property
    def flowed(self) -> str:
        """Prose on one line, for a page to wrap at its own width; other kinds as written."""
        if self.kind != "prose":
            return self.text
        return " ".join(" ".join(line.split()) for line in self.text.splitlines())


def topic_rules(ruleset: Ruleset) -> tuple[RuleSpec, ...]:
    """Rules that carry reference background text and a trigger: the rulebook's topics."""
    return tuple(r for r in ruleset.rules if r.reference.strip() and r.when is not None)


def summarize_for_explain(
    patch: Patch, seq: int, ruleset: Ruleset, context: CheckContext | None = None
) -> MessageSummary:
    """A detailed summary of ``patch``: lint findings and touched topics included."""
    findings = run(patch, ruleset, context)
    topics: tuple[str, ...] = ()
    if is_linted(patch) and patch.has_diff:
        topics = tuple(
            r.id
            for r in topic_rules(ruleset)
            if r.when is not None and r.when.matches(patch) is not None
        )
    return summarize(patch, seq, detail=True, topics=topics, findings=findings)


def explain_mails(
    raws: Iterable[RawMail],
    ruleset: Ruleset,
    context: CheckContext | None = None,
    decode: DecodeOptions | None = None,
) -> Explainer:
    """Read, lint and group every mail of ``raws`` into the explainer model."""
    summaries = [
        summarize_for_explain(patch, seq, ruleset, context)
        for seq, patch in enumerate(read_patches(raws, decode))
    ]
    threads = tuple(build_thread(t, ruleset) for t in group_threads(summaries))
    return Explainer(threads=threads, messages=len(summaries))


def changelog_sections(
    patches: Sequence[Patch], ruleset: Ruleset | None = None, width: int = WRAP
) -> str:
    """The ``== Title ==`` sections for one patch or series, with its replies if given.

    For the mailing-list bot: pass the analysed messages of one thread (patches,
    cover letter, review replies) and get the changelog sections, background
    first, then Problem and Fix, wrapped at ``width``, exactly as ``patchlens
    explain --format changelog`` prints them. Topics the diff touches that no
    message explains get the rulebook's reference text when ``ruleset`` is given.
    Returns ``""`` when nothing can be said.
    """
    summaries = []
    for seq, patch in enumerate(patches):
        if ruleset is not None:
            summaries.append(summarize_for_explain(patch, seq, ruleset))
        else:
            summaries.append(summarize(patch, seq, detail=True))
    threads = group_threads(summaries)
    return "\n".join(render_changelog(build_thread(t, ruleset), width) for t in threads)


def render_changelog(thread: ThreadExplainer, width: int = WRAP) -> str:
    """The sections of one thread in changelog form (no templates needed)."""
    blocks: list[str] = []
    for topic in thread.sections:
        body = "\n\n".join(wrap_paragraph(p, width) for p in topic.paragraphs)
        # The author must rewrite what nobody in the thread wrote: say so in the text.
        note = f"[{_topic_note(topic)}]\n\n" if _topic_note(topic) else ""
        blocks.append(f"== {topic.title} ==\n\n{note}{body}\n")
    return "\n".join(blocks)


def wrap_paragraph(paragraph: Attributed, width: int = WRAP) -> str:
    """``paragraph`` wrapped at ``width``; code, lists and tables keep their lines."""
    lines = paragraph.text.splitlines()
    if paragraph.code or any(_keeps_lines(line) for line in lines):
        return paragraph.text
    return textwrap.fill(
        " ".join(paragraph.text.split()),
        width=width,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _keeps_lines(line: str) -> bool:
    return line[:1].isspace() or line.lstrip().startswith(">") or _starts_item(line) or "|" in line


def mail_blocks(paragraph: Attributed) -> tuple[MailBlock, ...]:
    """``paragraph`` cut into prose to reflow and blocks whose lines must stay.

    Mail is wrapped by hand at 72 to 75 columns, so on a page of another width
    the hard line breaks of prose make ragged, half-empty lines. The breaks of
    code, logs, indented blocks, quoted lines and lists carry meaning: those
    keep them. A list item's following lines belong to the item.
    """
    if paragraph.code:
        return (MailBlock("code", paragraph.text),)
    runs: list[tuple[str, list[str]]] = []
    for line in paragraph.text.splitlines():
        kind = _line_kind(line, runs[-1][0] if runs else "")
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return tuple(MailBlock(kind, "\n".join(lines)) for kind, lines in runs)


def _line_kind(line: str, previous: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(">"):
        return "quote"
    if _starts_item(line) or (previous == "list" and stripped):
        return "list"
    if line[:1].isspace() or _LOG_LINE.match(line):
        return "code"
    return "prose"


def _starts_item(line: str) -> bool:
    return _LIST_ITEM.match(line.lstrip()) is not None


def md_escape(text: str) -> str:
    """``text`` as literal Markdown: every character with a meaning is backslash-escaped."""
    # Leading blanks would make an indented code block of a prose line.
    flat = "\n".join(line.strip() for line in text.splitlines())
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    return _MD_ORDERED.sub(r"\1\\\2", _MD_LINE_START.sub(r"\\\1", escaped))


def md_code(text: str) -> str:
    """``text`` as a fenced code block whose fence no line of it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def render(explainer: Explainer, fmt: str) -> str:
    """Render ``explainer`` as ``md``, ``html``, ``txt`` or ``changelog``."""
    if fmt == "changelog":
        return "\n".join(render_changelog(t) for t in explainer.threads)
    env = _environment(html=fmt == "html")
    if fmt == "html":
        return explainer_page(env, explainer)
    if fmt not in ("md", "txt"):
        raise ValueError(f"unknown explainer format {fmt!r}")
    return env.get_template(f"explain.{fmt}.j2").render(doc=explainer)


def html_environment() -> Environment:
    """The Jinja2 environment of the HTML templates (autoescaped): make it once per run,
    since it compiles each template on first use."""
    return _environment(html=True)


def explainer_page(env: Environment, explainer: Explainer, home: str = "") -> str:
    """The HTML page of ``explainer``; ``home`` is the relative address of a site's index
    (:mod:`lint.explain.site`), linked at the top of the page when given."""
    return env.get_template("explain.html.j2").render(
        doc=explainer, title=_page_title(explainer), home=home
    )


def _page_title(explainer: Explainer) -> str:
    if len(explainer.threads) == 1:
        return f"patchlens: {explainer.threads[0].title}"
    return f"patchlens: {len(explainer.threads)} threads"


def _markdown_filter() -> Callable[[str], Markup]:
    """A Jinja filter rendering Markdown (the rulebook's text) with markdown-it-py.

    Raw HTML is disabled, so any markup in the text is shown as text; the
    parser is built once per environment, not once per paragraph.
    """
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    return lambda text: Markup(parser.render(text))


def _environment(html: bool) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    if html:
        env.filters["markdown"] = _markdown_filter()
    env.filters["code"] = md_code
    env.filters["wrap"] = lambda p, width=WRAP: wrap_paragraph(p, width)
    env.filters["blocks"] = mail_blocks
    env.filters["indent_text"] = _indent
    env.globals["topic_note"] = _topic_note
    return env


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _topic_note(topic: Topic) -> str:
    if topic.reference:
        return "No message in this thread explains this topic: reference text from the rulebook"
    if topic.best_effort:
        return "Best-effort split of an unstructured changelog (no section in any message)"
    return ""
