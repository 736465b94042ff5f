"""JUnit XML: one test case per (stack, rule); a rule with violations fails, with unknowns errors;
one whose findings are all suppressed or accepted by the `--baseline` is skipped, saying which.
Well-formed XML 1.0 whatever the names: every attribute and every line of text is `visible`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..rules import RULES
from . import StackReport
from .escape import visible


def _text(lines: Iterable[str]) -> str:
    return "\n".join(visible(line) for line in lines)


def check_junit(reports: Iterable[StackReport]) -> str:
    suites = ET.Element("testsuites", name="stayup")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in reports:
        suite = ET.SubElement(suites, "testsuite", name=report.stack)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.verdict == "error":
            case = ET.SubElement(suite, "testcase", classname=f"stayup.{report.stack}", name="stack")
            ET.SubElement(case, "error", message=report.error or "", type="input").text = visible(report.error or "")
            counts["tests"], counts["errors"] = 1, 1
        else:
            if report.unanswered:
                properties = ET.SubElement(suite, "properties")
                for u in report.unanswered:
                    where = f" at {u['file']}:{u['line']}" if u.get("file") else ""
                    ET.SubElement(properties, "property", name="unanswered", value=f"{u['token']}{where}")
            for rule in RULES:
                counts["tests"] += 1
                case = ET.SubElement(suite, "testcase", classname=f"stayup.{report.stack}", name=f"{rule.id} {rule.name}")
                violations = [v for v in report.violations if v.rule == rule.id]
                unknown = [u for u in report.unknown if u.rule == rule.id]
                suppressed = [s for s in report.suppressed if s.rule == rule.id]
                accepted = [e for e in [*report.baselined, *report.baselined_unknown] if e.rule == rule.id]
                if rule.id in report.disabled:
                    counts["skipped"] += 1
                    ET.SubElement(case, "skipped", message="disabled by the policy config")
                elif violations:
                    counts["failures"] += 1
                    levels = sorted({v.enforcement for v in violations})
                    ET.SubElement(case, "failure", message=f"{len(violations)} violation(s)", type="/".join(levels)).text = _text(
                        f"{v.urn}: {v.message}" for v in violations
                    )
                elif unknown:
                    counts["errors"] += 1
                    ET.SubElement(case, "error", message=f"{len(unknown)} unknown outcome(s)", type="unknown").text = _text(
                        f"{u.urn}: {u.message}" for u in unknown
                    )
                elif suppressed:
                    counts["skipped"] += 1
                    reasons = "; ".join(sorted({s.reason or "" for s in suppressed}))
                    ET.SubElement(case, "skipped", message=f"{len(suppressed)} finding(s) suppressed: {reasons}").text = _text(
                        f"{s.urn}: suppressed ({s.reason}) until {s.expires.isoformat() if s.expires else 'never'}" for s in suppressed
                    )
                elif accepted:
                    counts["skipped"] += 1
                    ET.SubElement(case, "skipped", message=f"{len(accepted)} finding(s) accepted by the baseline {report.baseline}").text = _text(
                        f"{e.urn}: {e.message}" for e in accepted
                    )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    for element in suites.iter():  # attributes are single values: escaped in one place
        for name, text in list(element.attrib.items()):
            element.set(name, visible(text))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
