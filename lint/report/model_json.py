"""``patchlens parse --format json``: the model of each message, one JSON object a line.

The keys are documented in docs/json.md; tools, bots and our own tests rely on them.
"""

from __future__ import annotations

import json

from lint.mail.model import TextLine
from lint.patch.diff import FileDiff
from lint.patch.model import Patch

SCHEMA = "patchlens/message/1"


def _lines(lines: tuple[TextLine, ...]) -> list[dict[str, object]]:
    return [{"line": item.line, "text": item.text} for item in lines]


def _file(diff: FileDiff) -> dict[str, object]:
    return {
        "path": diff.path,
        "old_path": diff.old_path,
        "new_path": diff.new_path,
        "status": diff.status.value,
        "binary": diff.binary,
        "added": diff.added,
        "removed": diff.removed,
        "line": diff.line,
        "hunks": [
            {
                "old_start": hunk.old_start,
                "old_length": hunk.old_length,
                "new_start": hunk.new_start,
                "new_length": hunk.new_length,
                "heading": hunk.heading,
                "line": hunk.line,
                "changes": [
                    {
                        "added": change.added,
                        "text": change.text,
                        "old_line": change.old_line,
                        "new_line": change.new_line,
                        "function": change.function,
                        "line": change.line,
                    }
                    for change in hunk.changes
                ],
            }
            for hunk in diff.hunks
        ],
    }


def message_record(patch: Patch) -> dict[str, object]:
    """The model of one message as a JSON-ready dict."""
    mail, subject, changelog = patch.mail, patch.subject, patch.changelog
    return {
        "schema": SCHEMA,
        "file": mail.origin,
        "index": mail.index,
        "line": mail.first_line,
        "author_name": mail.author_name,
        "author_email": mail.author_email,
        "date": mail.date,
        "subject": mail.subject,
        "subject_clean": mail.subject_clean,
        "subject_parts": {
            "reply": subject.reply,
            "tags": list(subject.tags),
            "version": subject.version,
            "index": subject.index,
            "total": subject.total,
            "area": subject.area,
            "summary": subject.summary,
            "line": subject.line,
        },
        "message_id": mail.message_id,
        "in_reply_to": mail.in_reply_to,
        "references": list(mail.references),
        "message": mail.message,
        "patch": mail.patch,
        "paragraphs": [{"line": p.line, "text": p.text} for p in changelog.paragraphs],
        "sections": [
            {"title": s.title, "line": s.line, "indented": s.indented, "text": s.text}
            for s in changelog.sections
        ],
        "trailers": [
            {"key": t.key, "value": t.value, "comment": t.comment, "line": t.line}
            for t in changelog.trailers
        ],
        "notes": _lines(patch.notes),
        "diffstat": _lines(patch.diffstat),
        "base_commit": patch.base_commit or None,
        "files": [_file(f) for f in patch.diff.files],
        "functions": list(patch.diff.functions),
        "problems": list(mail.problems),
    }


def render_message(patch: Patch) -> str:
    """One line of JSON Lines output."""
    return json.dumps(message_record(patch), ensure_ascii=False) + "\n"
