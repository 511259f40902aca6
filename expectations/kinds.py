"""The two kinds of suite (see the package docstring). Kept out of ``expectations/__init__.py`` so that an
editable install that maps ``expectations`` as a namespace package (one made before the package had an
``__init__``) still works."""

INTEGRITY = "integrity"  # failure = the build is wrong: the checkpoint raises, the pipeline does not swap
FINDINGS = "findings"  # what reconciliation found: reported, never blocking
