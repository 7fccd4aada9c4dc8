"""The page shell's preload hints against the files they name."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r'<link rel="(preload|modulepreload)" href="([^"]+)"')


def preloaded():
    text = (ROOT / "index.html").read_text(encoding="utf-8")
    return [(kind, href) for kind, href in LINK.findall(text)]


def test_every_preload_names_a_file():
    links = preloaded()
    assert links
    for kind, href in links:
        path = ROOT / href.lstrip("/")
        assert path.is_file(), "index.html %s of %s names no file in the repository" % (kind, href)


def test_interpreter_is_preloaded():
    config = tomllib.loads((ROOT / "pyscript.toml").read_text(encoding="utf-8"))
    hrefs = set(href for kind, href in preloaded())
    assert config["interpreter"] in hrefs
    assert config["interpreter"].replace(".mjs", ".wasm") in hrefs
