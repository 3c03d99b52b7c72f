"""python -m resolutions.tests.expected [--update] [NAMES]: see the package docstring."""
import sys

from resolutions.tests.expected import main

sys.exit(main())
