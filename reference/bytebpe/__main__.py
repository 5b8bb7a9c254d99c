"""``python -m bytebpe``: the ``bytebpe`` command line (see bytebpe.cli)."""

import sys

from bytebpe.cli import main

if __name__ == "__main__":
    sys.exit(main())
