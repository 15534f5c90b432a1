"""``python -m onegate.registries.divisions refresh <package>``: rebuild the bundled divisions file.

Runs without Django settings (it only reads the package and writes the file), so it works on a
fresh clone. After a refresh, add a data migration that calls ``divisions_load`` again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onegate.registries.divisions.index import DATA_FILE
from onegate.registries.divisions.refresh import RefreshError, refresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m onegate.registries.divisions")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("refresh", help="rebuild the bundled file from a geothai package")
    command.add_argument("package", type=Path, help="the downloaded wheel, sdist or folder")
    command.add_argument("--output", type=Path, default=DATA_FILE, help="where to write the file")
    args = parser.parse_args(argv)
    try:
        source = refresh(args.package, args.output)
    except (RefreshError, OSError, ValueError) as error:
        sys.stderr.write(f"refresh failed: {error}\n")
        return 1
    counts = source["counts"]
    sys.stdout.write(
        f"wrote {args.output}: {source['package']} {source['version']} "
        f"(data {source['data_version']}), {counts['provinces']} provinces, "
        f"{counts['districts']} districts, {counts['sub_districts']} sub-districts\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
