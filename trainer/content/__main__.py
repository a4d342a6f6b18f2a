"""``python -m trainer.content [ROOT]``: check the curriculum without starting the app."""

import sys
from pathlib import Path

from .cli import check_curriculum


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    return check_curriculum(root, echo=print)


sys.exit(main())
