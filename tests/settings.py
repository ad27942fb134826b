"""The project's settings as the test suite runs them.

niromp_site/settings.py refuses to start without a secret key when DEBUG is
off; the suite runs with DEBUG off, as production does, so it gives one here.
Everything else the tests need they override in conftest.py.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from niromp_site.settings import *  # noqa: F403

# Serve static files straight from static/ (no collectstatic before a test run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-axes needs the request at every authenticate(); the test client's
# login() has none. The throttle's own tests turn it back on.
AXES_ENABLED = False

# Tests post many comments from one address; the rate limit's own tests set it.
COMMENT_RATE_LIMIT = "0"

# The page cache's version is bumped when a transaction commits, and a test's
# transaction never does: tests that read pages after writing would see the
# cached page. tests/site/test_page_cache.py turns it on and commits.
PAGE_CACHE = False
# The same for the content memo (tests/site/test_memo.py turns it on).
CONTENT_MEMO = False
