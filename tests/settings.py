"""The project's settings for a test run: a fresh secret key when the environment has none.

The settings refuse to start without `DJANGO_SECRET_KEY` (debug off, as in production). A test run
makes one up for itself, in the environment, so the workers, servers and commands the tests start
in subprocesses share it. `make test` sets one from the data directory instead.
"""

import os
import secrets

if not os.environ.get("DJANGO_SECRET_KEY") and not os.environ.get("DJANGO_SECRET_KEY_FILE"):
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)

from factcheck.settings import *  # noqa: F403
