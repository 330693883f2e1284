"""Translated words for the editor's script and for the difference tables."""

from __future__ import annotations

from lms.authoring.diff import DiffLabels, FileDiff, render_html
from lms.i18n import gettext as _


def diff_labels() -> DiffLabels:
    """The difference table's column names and markers in the interface language."""
    return DiffLabels(
        added=_("added"),
        removed=_("removed"),
        same=_("unchanged"),
        old_line=_("Old line"),
        new_line=_("New line"),
        change=_("Kind of change"),
        text=_("Text"),
        gap=_("Unchanged lines not shown"),
    )


def diff_html(diff: FileDiff, caption: str | None = None) -> str:
    """A difference as an HTML table with translated labels (escaped: safe to mark safe)."""
    return render_html(diff, caption, labels=diff_labels())


def editor_messages() -> dict[str, str]:
    """The editor script's texts, rendered into its page as JSON; {names} are filled in there."""
    return {
        "saving": _("Saving…"),
        "saved": _("Draft saved at {time}."),
        "savedWithProblems": _(
            "Draft saved at {time}. Problems to fix before publishing: {count}."
        ),
        "upToDate": _("Nothing new to save: the draft is up to date."),
        "keptOffline": _(
            "No connection to the server: your draft is kept on this device and will be saved "
            "when the connection returns."
        ),
        "saveFailed": _("Draft not saved: {error} Your text is kept on this device."),
        "unexpectedAnswer": _("the server gave an unexpected answer (HTTP {status})."),
        "conflictStatus": _(
            "Not saved: someone else saved this file meanwhile. Choose which version to keep."
        ),
        "conflictHeading": _("Someone else saved this file"),
        "conflictBody": _(
            "{author} saved it at {time}, after the version you started from. Nothing was "
            "overwritten: your text is still in the editor."
        ),
        "conflictSomeone": _("Another instructor"),
        "conflictDiff": _("Differences between the two versions"),
        "keepMine": _("Keep my version"),
        "useTheirs": _("Use their version"),
        "usedTheirs": _("Their version is now in the editor."),
        "restoreHeading": _("Unsaved text on this device"),
        "restoreBody": _(
            "This device kept text for this file that was never saved (last typed at {time}). "
            "It differs from the saved draft."
        ),
        "restore": _("Restore my unsaved text"),
        "discard": _("Discard it"),
        "restored": _("Your unsaved text is back in the editor."),
        "discarded": _("The unsaved text on this device was discarded."),
        "previewStale": _("The preview is out of date: {error}"),
        "previewOffline": _("The preview is out of date: no connection to the server."),
        "line": _("Line {line}"),
        "noProblems": _("No problems in this file or its other language."),
    }
