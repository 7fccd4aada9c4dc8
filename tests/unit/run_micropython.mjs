// Run a Python script under the vendored MicroPython, the page's own build, in Node.
//
// Usage: node tests/unit/run_micropython.mjs SCRIPT
//
// The interpreter's file system is in memory, so the repository's console/
// package is copied into it at the same absolute path: a script that puts the
// repository root on sys.path imports the same modules as under CPython. The
// exit code is 1 when the script raises, with the traceback on stderr.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const vendor = join(root, "static", "vendor");
const folders = readdirSync(vendor).filter((name) => name.startsWith("micropython-"));
if (folders.length !== 1) {
  process.stderr.write(`expected one micropython-* folder in ${vendor}, found ${folders.length}; run scripts/vendor.py\n`);
  process.exit(2);
}
const script = process.argv[2];
if (!script) {
  process.stderr.write("usage: node run_micropython.mjs SCRIPT\n");
  process.exit(2);
}

const { loadMicroPython } = await import(pathToFileURL(join(vendor, folders[0], "micropython.mjs")).href);
const mp = await loadMicroPython({
  linebuffer: false,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

const packageFolder = join(root, "console");
mp.FS.mkdirTree(packageFolder);
for (const name of readdirSync(packageFolder).filter((file) => file.endsWith(".py"))) {
  mp.FS.writeFile(join(packageFolder, name), readFileSync(join(packageFolder, name), "utf8"));
}

try {
  mp.runPython(readFileSync(script, "utf8"));
} catch (error) {
  process.stderr.write(`${error.message || error}\n`);
  process.exit(1);
}
