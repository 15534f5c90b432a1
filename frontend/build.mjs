// Builds OneGate's front-end assets into frontend/dist/ for Django's staticfiles:
// the rebranded GOV.UK Frontend stylesheet, a small enhancement script, and Sarabun fonts.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "frontend", "dist");
mkdirSync(join(dist, "fonts"), { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "onegate.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "onegate.css"), css.css);

await esbuild.build({
  entryPoints: [join(root, "frontend", "js", "onegate.mjs")],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: join(dist, "onegate.js"),
  logLevel: "warning",
});

const fonts = join(root, "node_modules", "@fontsource", "sarabun", "files");
for (const subset of ["latin", "thai"]) {
  for (const weight of [400, 700]) {
    const name = `sarabun-${subset}-${weight}-normal.woff2`;
    copyFileSync(join(fonts, name), join(dist, "fonts", name));
  }
}
for (const name of ["favicon.svg"]) {
  copyFileSync(join(root, "frontend", "static", name), join(dist, name));
}
console.log("front-end assets built in frontend/dist");
