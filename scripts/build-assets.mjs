// Builds the front-end assets into static/dist from the govuk-frontend npm package.
// This service is not on GOV.UK: Arial/Helvetica instead of GDS Transport, no crown, our own favicon.
import { compile } from "sass";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

mkdirSync(join(dist, "css"), { recursive: true });
mkdirSync(join(dist, "js"), { recursive: true });

const css = compile(join(root, "frontend", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (css.css.includes("GDS Transport")) {
  throw new Error("The compiled CSS names GDS Transport, which only GOV.UK services may use");
}
writeFileSync(join(dist, "css", "app.css"), css.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "js", "govuk-frontend.min.js"));
// Only the images we are allowed to use; the crown, crest and GOV.UK icons are left behind on purpose.
mkdirSync(join(dist, "images"), { recursive: true });
console.log(`Built ${css.css.length} bytes of CSS into static/dist`);
