"""SCORM 1.2 / 2004 packages and Moodle XML question banks built from lms.content objects.

Depends on lms.content only: no Flask, no request context, no database.
"""
