"""The instance folder: where the secret key and the default SQLite database live."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from lms.config import SECRET_KEY_FILE


def ensure_secret_key(app: Flask) -> Path | None:
    """Create the instance folder and its secret key file if no key is configured.

    Returns the path of a newly written key file, or None when nothing was written.
    """
    path = Path(app.instance_path) / SECRET_KEY_FILE
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if path.exists() or app.config["SECRET_KEY"]:
        return None
    key = secrets.token_hex(32)
    # O_EXCL: two commands starting together must not overwrite each other's key; 0o600: only
    # the server's user may read it.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        app.config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip()
        return None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    app.config["SECRET_KEY"] = key
    return path
