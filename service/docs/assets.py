"""The docs pages' browser bundles: pinned npm packages, unpacked into service/docs/static/.

Outlay often runs where no CDN is reachable, so the pages load these files from the service
itself. `make install` (and the container build) runs `python -m service.docs.assets`, which
asks npm for each pinned tarball (`npm pack`), refuses one whose integrity differs from the pin,
and unpacks only the files the pages use. Nothing here is committed: a fresh clone gets them
from the registry at install time.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import msgspec

HERE = Path(__file__).resolve().parent
PINS = HERE / "assets.json"
STATIC = HERE / "static"


class Package(msgspec.Struct, frozen=True):
    name: str
    version: str
    integrity: str
    dir: str
    files: dict[str, str]  # name under static/<dir>/ -> member of the tarball


class Pins(msgspec.Struct, frozen=True):
    packages: list[Package]
    comment: str = ""


def pins() -> list[Package]:
    return msgspec.json.decode(PINS.read_bytes(), type=Pins).packages


def missing(static: Path = STATIC) -> list[str]:
    """Files the pages need that are not unpacked yet (relative to static/)."""
    return [
        f"{p.dir}/{name}"
        for p in pins()
        for name in p.files
        if not (static / p.dir / name).is_file()
    ]


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def tarball_name(package: Package) -> str:
    """The file name `npm pack` gives a package's tarball."""
    return f"{package.name.lstrip('@').replace('/', '-')}-{package.version}.tgz"


def unpack(package: Package, tarball: Path, static: Path) -> None:
    found = _integrity(tarball)
    if found != package.integrity:
        raise SystemExit(
            f"{package.name}@{package.version}: integrity {found} differs from the pin"
        )
    target = static / package.dir
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as tar:
        for name, member in package.files.items():
            source = tar.extractfile(member)
            if source is None:
                raise SystemExit(f"{package.name}: {member} is not in the tarball")
            with source, (target / name).open("wb") as out:
                shutil.copyfileobj(source, out)


def npm_pack(packages: list[Package], into: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch the docs assets (apt-get install npm)")
    specs = [f"{p.name}@{p.version}" for p in packages]
    subprocess.run(  # noqa: S603 - fixed program, pinned package specs
        [npm, "pack", "--silent", "--pack-destination", str(into), *specs],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fetch(*, static: Path = STATIC, tarballs: Path | None = None, force: bool = False) -> int:
    packages = [p for p in pins() if force or missing_in(p, static)]
    if not packages:
        return 0
    with tempfile.TemporaryDirectory(prefix="outlay-docs-") as tmp:
        source = tarballs
        if source is None:
            source = Path(tmp)
            npm_pack(packages, source)
        for package in packages:
            unpack(package, source / tarball_name(package), static)
    return len(packages)


def missing_in(package: Package, static: Path) -> bool:
    return any(not (static / package.dir / name).is_file() for name in package.files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.docs.assets", description=__doc__)
    parser.add_argument("--tarballs", type=Path, help="folder of tarballs made by `npm pack`")
    parser.add_argument("--force", action="store_true", help="unpack again although present")
    parser.add_argument("--list", action="store_true", help="print the pinned specs and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(f"{p.name}@{p.version}" for p in pins()))
        return 0
    count = fetch(tarballs=args.tarballs, force=args.force)
    print(f"docs assets: {count} package(s) unpacked into {STATIC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
