"""``python -m trainer.content [ROOT]``: check the curriculum without starting the app."""

import sys
from pathlib import Path

from .loader import ContentInvalid, load_curriculum


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    try:
        curriculum = load_curriculum(root)
    except ContentInvalid as error:
        for problem in error.problems:
            print(problem)
        return 1
    print(f"{len(curriculum)} modules valid.")
    return 0


sys.exit(main())
