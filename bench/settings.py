"""Settings for the page benchmark: the project's own, plus a bare page to compare with."""

from congress.settings import *  # noqa: F403 - the benchmark serves the product as it ships

# The bare comparison page lives in the benchmark's URLs only, never in the product's.
ROOT_URLCONF = "bench.urls"
DEBUG = False
# The benchmark collects the static files into its own folder (the manifest the server mode's
# pages need), not into the working copy.
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
