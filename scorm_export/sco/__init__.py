"""The SCO of a module: the page a SCORM package launches, with its runtime.

Contract for the package builder:

    render_sco(module, media, scorm_version="1.2" | "2004", lang="es" | "en",
               shared_runtime=None | "../runtime/") -> dict[str, bytes]

- `module` is an `lms.content.Module` as `build_course`/`load_course` give it (any link style:
  links between lessons are turned into in-page anchors here). `lang` must be one of its
  languages.
- `media` holds the module's media files keyed relative to the module folder ("media/map.png");
  each is copied under the same path. Keys outside `media/` are refused with ValueError.
- The result holds every file of the SCO keyed by its path relative to the SCO's folder:
  `index.html` (the launch page, first), the runtime `sco.css`, `grade.js`, `review.js`,
  `scorm-api.js` and `sco.js`, then the media in path order. The same input always gives the
  same bytes.
- With `shared_runtime` the page loads the runtime from that folder (relative to the SCO's) and
  the runtime files are left out of the result; `runtime_files()` gives them, to be shipped once
  for every SCO of a package.

The page holds the module introduction, every lesson and the quiz, shown one page at a time with
a table of contents (all of it readable in order without JavaScript). It finds the LMS's API
(SCORM 1.2 `API` or 2004 `API_1484_11`), grades in the browser by the platform's rules, reports
each quiz question as a typed interaction, the score on 0-100 and the statuses Moodle needs,
keeps a bookmark and suspend_data for resuming, commits after every answer and finishes once.
After a submission it reviews the attempt as the quiz's review options say (lms.content.review),
by the attempts and best score it keeps itself; a part of the review the quiz never shows is
left out of the page. Knowledge checks in lessons give immediate feedback and are kept for
resuming, but are not reported as interactions: they are ungraded practice, and an interaction
report (Moodle's among them) lists every interaction alongside the graded questions. Opened
without an LMS, it runs and says that progress is not being recorded.
"""

from scorm_export.sco.build import RUNTIME_FILES, render_sco, runtime_files

__all__ = ["RUNTIME_FILES", "render_sco", "runtime_files"]
