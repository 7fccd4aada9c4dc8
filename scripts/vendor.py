"""Refresh the vendored PyScript runtime from the npm registry.

Usage: python scripts/vendor.py [--core VERSION] [--micropython VERSION]

The versions default to the ones pinned in static/vendor/VERSIONS. The script
runs `npm pack` for each package, copies the runtime files (no source maps,
no TypeScript sources) under static/vendor/<package>-<version>/, writes a
gzip copy of every text file beside it for serve.py, and rewrites VERSIONS.
Folder names carry the version, so the files can be cached for a long time.
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
PACKAGES = {
    "core": ("@pyscript/core", "pyscript-core"),
    "micropython": (
        "@micropython/micropython-webassembly-pyscript",
        "micropython",
    ),
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
    else:
        files = [source / "micropython.mjs", source / "micropython.wasm"]
    for path in files:
        shutil.copy(path, target / path.name)
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
    args = parser.parse_args()
    versions = {"core": args.core, "micropython": args.micropython}
    for key, version in versions.items():
        if not version:
            parser.error(f"no version for {key}: pass --{key} VERSION")

    with tempfile.TemporaryDirectory() as tmp:
        for key, (npm_name, folder) in PACKAGES.items():
            old = pinned.get(key)
            if old and old != versions[key]:
                shutil.rmtree(VENDOR / f"{folder}-{old}", ignore_errors=True)
            source = fetch_package(npm_name, versions[key], pathlib.Path(tmp))
            copy_runtime(source, VENDOR / f"{folder}-{versions[key]}", key)
            print(f"vendored {npm_name}@{versions[key]}")

    lines = ["# Pinned runtime versions; refresh with scripts/vendor.py."]
    lines += [f"{key}={versions[key]}" for key in PACKAGES]
    VERSIONS_FILE.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
