"""Refresh the vendored packages from the npm registry.

Usage: python scripts/vendor.py [--core VERSION] [--micropython VERSION] [--axe VERSION]

The versions default to the ones pinned in static/vendor/VERSIONS. The script
runs `npm pack` for each package, copies the runtime files (no source maps,
no TypeScript sources) under static/vendor/<package>-<version>/, writes a
gzip copy of every text file beside it for serve.py, and rewrites VERSIONS.
Folder names carry the version, so the files can be cached for a long time.
axe-core is for the accessibility tests only and goes to tests/vendor/.
"""

import argparse
import gzip
import json
import pathlib
import shutil
import subprocess
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
VERSIONS_FILE = VENDOR / "VERSIONS"
TEST_VENDOR = ROOT / "tests" / "vendor"
PACKAGES = {
    "core": ("@pyscript/core", "pyscript-core"),
    "micropython": (
        "@micropython/micropython-webassembly-pyscript",
        "micropython",
    ),
    "axe": ("axe-core", "axe-core"),
}
COMPRESSIBLE = {".js", ".mjs", ".css", ".wasm"}


def read_pinned():
    """Return the pinned versions as a dict keyed like PACKAGES."""
    pinned = {}
    if VERSIONS_FILE.exists():
        for line in VERSIONS_FILE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, version = line.split("=", 1)
                pinned[name.strip()] = version.strip()
    return pinned


def fetch_package(npm_name, version, workdir):
    """Download one package tarball with npm and return its extracted folder."""
    output = subprocess.run(
        ["npm", "pack", "--json", f"{npm_name}@{version}"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tarball = workdir / json.loads(output)[0]["filename"]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir / tarball.stem, filter="data")
    return workdir / tarball.stem / "package"


def copy_runtime(source, target, key):
    """Copy the files the browser needs from a package folder to target."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if key == "core":
        files = [p for p in (source / "dist").iterdir() if p.suffix != ".map"]
        shutil.copy(source / "LICENSE", target / "LICENSE")
    elif key == "axe":
        files = [source / "axe.min.js", source / "LICENSE"]
    else:
        files = [source / "micropython.mjs", source / "micropython.wasm"]
    for path in files:
        shutil.copy(path, target / path.name)
    if key == "axe":
        return
    for path in target.iterdir():
        if path.suffix in COMPRESSIBLE:
            data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            (target / (path.name + ".gz")).write_bytes(data)


def main():
    pinned = read_pinned()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", default=pinned.get("core"),
                        help="@pyscript/core version to vendor")
    parser.add_argument("--micropython", default=pinned.get("micropython"),
                        help="MicroPython WebAssembly (PyScript build) version")
    parser.add_argument("--axe", default=pinned.get("axe"),
                        help="axe-core version, for the accessibility tests")
    args = parser.parse_args()
    versions = {"core": args.core, "micropython": args.micropython, "axe": args.axe}
    for key, version in versions.items():
        if not version:
            parser.error(f"no version for {key}: pass --{key} VERSION")

    with tempfile.TemporaryDirectory() as tmp:
        for key, (npm_name, folder) in PACKAGES.items():
            destination = TEST_VENDOR if key == "axe" else VENDOR
            old = pinned.get(key)
            if old and old != versions[key]:
                shutil.rmtree(destination / f"{folder}-{old}", ignore_errors=True)
            source = fetch_package(npm_name, versions[key], pathlib.Path(tmp))
            copy_runtime(source, destination / f"{folder}-{versions[key]}", key)
            print(f"vendored {npm_name}@{versions[key]}")

    lines = ["# Pinned runtime versions; refresh with scripts/vendor.py."]
    lines += [f"{key}={versions[key]}" for key in PACKAGES]
    lines.append("# The index.html preload hints name files of these versions: update them too.")
    VERSIONS_FILE.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
