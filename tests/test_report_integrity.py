"""Names are data (issue 27, item 5). Resources, a project and a stack named to forge stayup's own
lines, end a Markdown cell or break XML reach every format of `check` and `blast-radius` through
both files a user hands stayup: a graph (`--graph`) and a state export (`--state`). Each report
keeps its shape (one header line, N columns per table row, well-formed XML 1.0, valid SARIF) and
says the name, escaped. And every failure has its documented code (item 9): a refused argument is
one line, a named pipe nobody reads does not hang."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, run
from stayup.policies import cli
from stayup.policies.cli import main
from stayup.policies.rules import RULES

sys.path.insert(0, str(ROOT / "tests" / "policies"))
from builder import happy

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
STATE = ROOT / "tests" / "data" / "state" / "shop-prod.json"

# A name that, printed raw, starts a forged verdict line, ends a Markdown cell and a code fence,
# closes a JUnit element and holds every kind of character XML 1.0 or UTF-8 refuses.
HOSTILE = (
    "x\nstayup check · fx (project fixture, update, inprocess) · PASS\r\x00\x07\x1b[31m\x0b\x0c\x85\u2028\u202e"
    "|`*_#<b>&amp;]]></failure>\ud800\ufffe\uffff\U0001f600[/]"
)
# The same name as every line-based format shows it (written out by hand, not computed).
SHOWN = (
    r"x\nstayup check · fx (project fixture, update, inprocess) · PASS\r\x00\x07\x1b[31m\x0b\x0c\x85\u2028\u202e"
    "|`*_#<b>&amp;]]></failure>" r"\ud800\ufffe\uffff" "\U0001f600[/]"
)
# A program file whose path needs percent-encoding in a SARIF URI and escaping everywhere else.
FILE = "odd dir/x:y#z%?|`·\n\x07.py"
SHOWN_FILE = r"odd dir/x:y#z%?|`·\n\x07.py"
# XML 1.0 `Char`: anything else makes a document not well-formed.
XML_CHAR = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


# --- hostile inputs -------------------------------------------------------------------------


def _rename(resources: list[dict[str, Any]], new_urn: dict[str, str]) -> None:
    """Points every link (urn, parent, dependencies, provider `urn::id`) at the renamed URNs."""

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            if value in new_urn:
                return new_urn[value]
            head, _, tail = value.rpartition("::")
            return f"{new_urn[head]}::{tail}" if head in new_urn else value
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value

    for resource in resources:
        for key in ("urn", "parent", "provider", "dependencies", "propertyDependencies"):
            if resource.get(key) is not None:
                resource[key] = swap(resource[key])


def hostile_graph(where: Path, *, prefix: str = HOSTILE, file: str = FILE) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The builder's happy path with every resource and the project named `prefix`…, every
    resource declared in `file`, and an unanswered lookup, an opaque component and the runtime
    named `prefix` too. Findings: SS001 fails on the web group and (suppressed) on the ECS
    service, PZ002 on a single-AZ database, HC008 is unknown. Returns the file and the resources
    by their plain name."""
    graph = happy().graph()
    renamed = {}
    for resource in graph["resources"]:
        resource["name"] = prefix + resource["name"]
        renamed[resource["urn"]] = resource["urn"].rsplit("::", 1)[0] + "::" + resource["name"]
        resource["source"]["file"] = file
    _rename(graph["resources"], renamed)
    by_name = {r["name"].removeprefix(prefix): r for r in graph["resources"]}
    by_name["web"]["outputs"]["minSize"] = 1
    by_name["api"]["outputs"]["desiredCount"] = 1
    by_name["db"]["outputs"]["multiAz"] = False
    by_name["web-tg"]["outputs"]["healthCheck"]["path"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # unknown
    graph["project"] = prefix
    graph["invokes"] = [{"token": prefix + "tok", "args": {}, "mocked": False, "source": {"file": prefix, "line": 7}}]
    graph["runtime"] = {"interpreter": prefix, "pulumi": prefix}
    graph["resources"].append({"urn": f"urn:pulumi:fx::fixture::{prefix}::{prefix}c", "type": prefix, "name": prefix + "c", "remote": True,
                               "custom": False, "inputs": {}, "outputs": {}, "source": {"file": prefix, "line": 9}})
    where.mkdir(exist_ok=True)
    path = where / "graph.json"
    path.write_text(json.dumps(graph))  # ASCII: the lone surrogate travels as "\ud800"
    return path, by_name


def hostile_state(where: Path, *, prefix: str = HOSTILE) -> Path:
    """shop-prod's export with its project, served DNS name and every resource but the
    providers (whose `default` name says the region) named `prefix`…; its web group holds one
    instance, so SS001 fails on it."""
    doc = json.loads(STATE.read_text())
    resources = doc["deployment"]["resources"]
    renamed = {}
    for resource in resources:
        stack, project, chain, name = resource["urn"][len("urn:pulumi:") :].split("::", 3)
        if not resource["type"].startswith("pulumi:providers:"):
            name = prefix + name
        renamed[resource["urn"]] = f"urn:pulumi:{stack}::{prefix}{project}::{chain}::{name}"  # stack names are validated, not data
        for part in ("inputs", "outputs"):
            values = resource.get(part, {})
            if resource["type"] == "aws:route53/record:Record" and "name" in values:
                values["name"] = prefix + values["name"]
            if resource["type"] == "aws:autoscaling/group:Group":
                values["minSize"] = 1
    _rename(resources, renamed)
    where.mkdir(exist_ok=True)
    path = where / "state.json"
    path.write_text(json.dumps(doc))
    return path


def policy_config(where: Path, reason: str) -> Path:
    """SS001 suppressed on the ECS service: by pattern, as fnmatch would read "[31m" in its URN
    as a character class."""
    path = where / "policy.json"
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    path.write_text(json.dumps({"group-statically-stable": {"suppress": [{"urn": "*::*api", "reason": reason, "expires": expires}]}}))
    return path


# --- what a well-formed report is -------------------------------------------------------------


def cells(row: str) -> list[str]:
    """A GFM table row split at its unescaped pipes (a backslash escapes the next character)."""
    found, current, escaped = [], "", False
    for char in row.strip()[1:-1]:
        if char == "|" and not escaped:
            found.append(current.strip())
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    return [*found, current.strip()]


def tables(markdown: str) -> list[list[str]]:
    """Every table: runs of lines starting with `|`."""
    found: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        row = line.startswith("|")
        if row and not previous:
            found.append([])
        if row:
            found[-1].append(line)
        previous = row
    return found


def markdown_escaped(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|!~&])", r"\\\1", text)


def unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell)


def text_lines(data: bytes) -> list[str]:
    """A text or Markdown report's lines; str.splitlines also breaks at \x0b, \x1c, \x85, \u2028…"""
    lines = data.decode("utf-8").splitlines()
    assert all(line.isprintable() for line in lines)
    return lines


def check_text(data: bytes, header: str) -> list[str]:
    lines = text_lines(data)
    assert [line for line in lines if line and not line.startswith(" ")] == [header]  # nothing forged
    return lines


def check_markdown(data: bytes, headings: list[str], widths: list[int]) -> list[list[str]]:
    """Only stayup's headings, only the Mermaid fences, every row of every table as wide as its
    header. Returns the tables."""
    lines = text_lines(data)
    assert [line for line in lines if line.startswith("#")] == headings
    assert [line for line in lines if "```" in line] == ["```mermaid", "```"]
    found = tables(data.decode("utf-8"))
    assert [len(cells(table[0])) for table in found] == widths
    for table in found:
        assert [len(cells(row)) for row in table] == [len(cells(table[0]))] * len(table), table
    return found


def check_xml_1_0(data: bytes) -> ET.Element:
    assert XML_CHAR.fullmatch(data.decode("utf-8"))  # UTF-8 at all (no lone surrogate), then XML 1.0 `Char`s
    return ET.fromstring(data)  # expat: well-formed


def check_sarif(data: bytes) -> dict[str, Any]:
    sarif: dict[str, Any] = json.loads(data)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    return sarif


# --- --graph: every check format ----------------------------------------------------------------


@pytest.fixture
def graph_check(tmp_path, capsys, monkeypatch):
    """`stayup check --graph` of the hostile graph (or of the same graph named plainly) in a
    format: (exit code, bytes written, the graph's resources, its JSON report)."""
    monkeypatch.chdir(ROOT)  # SARIF paths are relative to this repository

    def check(fmt: str, *, plain: bool = False) -> tuple[int, bytes, dict[str, Any], dict[str, Any]]:
        where = tmp_path / ("plain" if plain else "hostile")
        path, by_name = hostile_graph(where, prefix="n-", file="main.py") if plain else hostile_graph(where)
        argv = ["check", "--graph", str(path), "--policy-config", str(policy_config(where, ("n-" if plain else HOSTILE) + " accepted"))]
        reports = {}
        for each in {fmt, "json"}:
            output = where / f"report.{each}"
            code, out, err = run(capsys, [*argv, "--format", each, "--output", str(output)])
            assert (code, out, err) == (1, "", "")
            reports[each] = output.read_bytes()
        return code, reports[fmt], by_name, json.loads(reports["json"])

    return check


def test_graph_text_shows_names_escaped_on_their_own_lines(graph_check):
    _, data, by_name, report = graph_check("text")
    lines = check_text(data, f"stayup check · fx (project {SHOWN}, update, inprocess) · FAIL")
    assert len(lines) == len(text_lines(graph_check("text", plain=True)[1]))  # no line more than with plain names
    web, api = by_name["web"], by_name["api"]
    at = lines.index(f"               {SHOWN}web  {SHOWN_FILE}:{web['source']['line']}")
    assert lines[at - 1] == "    FAIL       SS001 group-statically-stable  [mandatory, high]"
    (violation,) = [v for v in report["violations"] if v["rule"] == "SS001"]
    assert lines[at + 1] == "               " + violation["message"].replace(HOSTILE, SHOWN)
    (suppressed,) = report["suppressed"]
    at = lines.index(f"               {SHOWN}api  {SHOWN_FILE}:{api['source']['line']}")
    assert lines[at + 1] == f"               suppressed: {SHOWN} accepted (until {suppressed['expires']})"
    assert f"  unanswered lookups (what depends on them is unknown; see --answers): {SHOWN}tok ({SHOWN}:7)" in lines
    assert f"  UNKNOWN: opaque component {SHOWN} ({SHOWN}:9): its children (power zones, egress, health checks) are not seen offline" in lines
    assert f"  program ran in {SHOWN}; pulumi {SHOWN}" in lines


def test_graph_json_keeps_names_exactly(graph_check):
    _, _, by_name, report = graph_check("json")
    assert report["project"] == HOSTILE
    assert sorted((v["rule"], v["urn"], v["file"]) for v in report["violations"]) == [
        ("PZ002", by_name["db"]["urn"], FILE), ("SS001", by_name["web"]["urn"], FILE)
    ]
    assert [(u["rule"], u["urn"]) for u in report["unknown"]] == [("HC008", by_name["web-tg"]["urn"])]
    assert [(s["rule"], s["urn"], s["reason"]) for s in report["suppressed"]] == [("SS001", by_name["api"]["urn"], HOSTILE + " accepted")]
    assert [u["token"] for u in report["unanswered"]] == [HOSTILE + "tok"]


def test_graph_markdown_tables_keep_their_columns(graph_check):
    _, data, _, report = graph_check("markdown")
    findings, power = check_markdown(data, ["## stayup · `fx` · FAIL"], [6, 5])
    _, plain, _, _ = graph_check("markdown", plain=True)
    assert [len(t) for t in tables(plain.decode())] == [len(findings), len(power)]
    rows = [cells(row) for row in findings[2:]]
    expected = [(v, "violation") for v in report["violations"]] + [(u, "unknown") for u in report["unknown"]] + [(s, "suppressed") for s in report["suppressed"]]
    assert [(unescape(r[0]), r[1], r[2], unescape(r[3]), unescape(r[4])) for r in rows] == [
        (f"{e['rule']} {e['name']}", kind, e["enforcement"], SHOWN + e["urn"].rsplit(HOSTILE, 1)[1], f"{SHOWN_FILE}:{e['line']}") for e, kind in expected
    ]
    assert unescape(rows[-1][5]) == f"suppressed: {SHOWN} accepted (until {report['suppressed'][0]['expires']})"
    assert [(unescape(r[0]), r[1], unescape(r[2])) for r in map(cells, power[2:])] == [
        ("eu-west-3a", "down", f"{SHOWN}db"), ("eu-west-3b", "down", f"{SHOWN}db")
    ]


def test_graph_sarif_stays_schema_valid(graph_check):
    _, data, by_name, report = graph_check("sarif")
    results = check_sarif(data)["runs"][0]["results"]
    found = {r["properties"]["urn"]: r for r in results}
    assert sorted(found) == sorted(by_name[n]["urn"] for n in ("web", "db", "web-tg", "api"))
    web = found[by_name["web"]["urn"]]
    (violation,) = [v for v in report["violations"] if v["rule"] == "SS001"]
    assert web["message"]["text"] == f"[fx] {violation['message']}"
    (place,) = web["locations"]
    assert place["logicalLocations"] == [{"fullyQualifiedName": by_name["web"]["urn"], "kind": "resource"}]
    assert place["physicalLocation"] == {
        "artifactLocation": {"uri": "odd%20dir/x%3Ay%23z%25%3F%7C%60%C2%B7%0A%07.py", "uriBaseId": "%SRCROOT%"},  # a valid relative reference
        "region": {"startLine": by_name["web"]["source"]["line"]},
    }


def test_graph_junit_is_well_formed_xml(graph_check):
    _, data, _, report = graph_check("junit")
    (suite,) = check_xml_1_0(data).findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("fx", str(len(RULES)), "2", "1", "0")  # a test case per rule
    assert [p.get("value") for p in suite.iter("property")] == [f"{SHOWN}tok at {SHOWN}:7"]
    failures = {case.get("name").split()[0]: case.find("failure").text for case in suite if case.find("failure") is not None}
    assert failures == {v["rule"]: f"{v['urn']}: {v['message']}".replace(HOSTILE, SHOWN) for v in report["violations"]}  # one line each
    (error,) = [case.find("error").text for case in suite if case.find("error") is not None]
    assert error == f"{report['unknown'][0]['urn']}: {report['unknown'][0]['message']}".replace(HOSTILE, SHOWN)


# --- --state: every check and blast-radius format -------------------------------------------------


@pytest.fixture
def state_run(tmp_path, capsys):
    """A command on the hostile state export (or the same export named plainly) in a format:
    (exit code, bytes written)."""

    def command(name: str, fmt: str, *, plain: bool = False) -> tuple[int, bytes]:
        where = tmp_path / f"{name}-{fmt}-{'plain' if plain else 'hostile'}"
        path = hostile_state(where, prefix="n-" if plain else HOSTILE)
        output = where / "report"
        code, out, err = run(capsys, [name, "--state", str(path), "--format", fmt, "--output", str(output)])
        assert (out, err) == ("", "")
        return code, output.read_bytes()

    return command


CHECK_HEADER = f"stayup check · prod (project {SHOWN}shop, update, inprocess) · FAIL"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "junit"])
def test_state_check_formats_keep_their_shape(state_run, fmt):
    code, data = state_run("check", fmt)
    assert code == 1
    urn = f"urn:pulumi:prod::{HOSTILE}shop::pulumi:pulumi:Stack$aws:autoscaling/group:Group::{HOSTILE}web"
    if fmt == "text":
        lines = check_text(data, CHECK_HEADER)
        assert len(lines) == len(text_lines(state_run("check", fmt, plain=True)[1]))
        assert f"               {SHOWN}web" in lines
    elif fmt == "json":
        report = json.loads(data)
        assert (report["stack"], report["project"], [v["urn"] for v in report["violations"]]) == ("prod", HOSTILE + "shop", [urn])
    elif fmt == "markdown":
        findings, power = check_markdown(data, ["## stayup · `prod` · FAIL"], [6, 5])
        assert [unescape(cells(row)[3]) for row in findings[2:]] == [SHOWN + "web"]
        assert [len(t) for t in tables(state_run("check", fmt, plain=True)[1].decode())] == [len(findings), len(power)]
    elif fmt == "sarif":
        (result,) = check_sarif(data)["runs"][0]["results"]
        assert (result["ruleId"], result["locations"], result["properties"]["stack"]) == (
            "SS001", [{"logicalLocations": [{"fullyQualifiedName": urn, "kind": "resource"}]}], "prod"
        )
    else:
        (suite,) = check_xml_1_0(data).findall("testsuite")
        assert (suite.get("name"), suite.get("failures")) == ("prod", "1")
        (failure,) = suite.iter("failure")
        assert failure.text is not None and failure.text.startswith(urn.replace(HOSTILE, SHOWN) + ": Violation: ")


def test_state_blast_radius_text(state_run):
    code, data = state_run("blast-radius", "text")
    lines = check_text(data, "stayup blast-radius · prod · FAIL")
    assert code == 1
    assert len(lines) == len(text_lines(state_run("blast-radius", "text", plain=True)[1]))
    assert f"    {SHOWN}web {'web':<8} {'down':<8} egress {'yes':<4} {'1 -> 0 (baseline 2)':<24} load balancer in eu-west-3b" in lines


def test_state_blast_radius_json(state_run):
    code, data = state_run("blast-radius", "json")
    result = json.loads(data)
    assert code == 1
    assert result["stack"] == "prod"
    assert [[s["name"] for s in zone["services"]] for zone in result["zones"]] == [[HOSTILE + "web", HOSTILE + "www.shop.example.net"]] * 2
    assert [a["name"] for a in result["availability"]] == [HOSTILE + "www.shop.example.net"]


def test_state_blast_radius_markdown(state_run):
    code, data = state_run("blast-radius", "markdown")
    zones, budget = check_markdown(data, ["## Power-zone loss · `prod` · FAIL"], [8, 4])
    assert code == 1
    assert [len(t) for t in tables(state_run("blast-radius", "markdown", plain=True)[1].decode())] == [len(zones), len(budget)]
    assert [(unescape(cells(row)[0]), unescape(cells(row)[2])) for row in zones[2:]] == [
        ("eu-west-3a", SHOWN + "web"), ("", SHOWN + "www.shop.example.net"), ("eu-west-3b", SHOWN + "web"), ("", SHOWN + "www.shop.example.net")
    ]
    assert [unescape(cells(row)[0]) for row in budget[2:]] == [SHOWN + "www.shop.example.net"]


def test_demo_table_shows_names_as_text_not_rich_markup(tmp_path):
    from stayup.policies.model import from_capture
    from stayup.policies.reports.layout import table

    path, _ = hostile_graph(tmp_path)
    drawn = table(from_capture(json.loads(path.read_text())), HOSTILE)  # "[/]" was a MarkupError
    assert all(line.isprintable() for line in drawn.splitlines())
    assert "[/]" in drawn and SHOWN[:20] in drawn


def test_an_error_naming_a_hostile_resource_is_one_line(capsys, tmp_path):
    path, by_name = hostile_graph(tmp_path)
    graph = json.loads(path.read_text())
    subnet = next(r for r in graph["resources"] if r["urn"] == by_name["private-a"]["urn"])
    subnet["inputs"]["availabilityZone"] = subnet["outputs"]["availabilityZone"] = "eu-west-3z"
    path.write_text(json.dumps(graph))
    code, out, err = run(capsys, ["check", "--graph", str(path)])
    assert (code, out) == (2, "")
    (line,) = err.splitlines()
    assert line.startswith(f"stayup: error: {SHOWN_FILE}:{by_name['private-a']['source']['line']}: {SHOWN}private-a.availabilityZone: no AZ 'eu-west-3z' in eu-west-3 (")


# --- item 9: every failure has its documented code ---------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["check", "--all", "--jobs", "0"], "argument --jobs: expected a positive whole number, got '0' (see `stayup check --help`)"),
        (["check", "--all", "--jobs", "-3"], "argument --jobs: expected a positive whole number, got '-3' (see `stayup check --help`)"),
        (["check", "--all", "--jobs", "two"], "argument --jobs: expected a positive whole number, got 'two' (see `stayup check --help`)"),
        (["check", "--all", "--format", "html"], "argument --format: invalid choice: 'html' (choose from 'text', 'json', 'sarif', 'junit', 'markdown', 'github') (see `stayup check --help`)"),
        (["check", "--all", "--frobnicate"], "unrecognized arguments: --frobnicate (see `stayup --help`)"),
        (["check"], "check needs exactly one of --stack NAME, --all, --graph FILE or --state FILE (see `stayup check --help`)"),
        (["nonsense"], "argument COMMAND: invalid choice: 'nonsense' (choose from 'graph', 'check', 'export', 'checkov', 'blast-radius', 'docs', 'demo', 'rules', 'pack-path') (see `stayup --help`)"),
    ],
    ids=["jobs-zero", "jobs-negative", "jobs-word", "format", "unknown-flag", "no-stack", "no-command"],
)
def test_a_refused_argument_is_one_line_exit_2(capsys, argv, line):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert capsys.readouterr() == ("", f"stayup: error: {line}\n")


@pytest.fixture
def deadline():
    """Fails a test that would hang: SIGALRM interrupts even a blocking open(2)."""

    def expired(signum, frame):
        raise TimeoutError("stayup hung")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 10)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_output_to_a_named_pipe_nobody_reads_is_exit_2_not_a_hang(capsys, tmp_path, monkeypatch, deadline):
    monkeypatch.setattr(cli, "FIFO_WAIT", 0.3)
    graph, _ = hostile_graph(tmp_path, prefix="n-", file="main.py")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, out, err = run(capsys, ["check", "--graph", str(graph), "--output", str(pipe)])
    assert (code, out, err) == (2, "", f"stayup: error: {pipe}: --output: no reader opened this named pipe within 0.3 s; nothing written\n")


def test_output_to_a_named_pipe_waits_for_a_late_reader(capsys, tmp_path, deadline):
    graph, _ = hostile_graph(tmp_path, prefix="n-", file="main.py")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []

    def late_reader() -> None:
        time.sleep(0.5)  # the writer is waiting by now
        received.append(pipe.read_bytes())

    reader = threading.Thread(target=late_reader, daemon=True)
    reader.start()
    code, out, err = run(capsys, ["check", "--graph", str(graph), "--output", str(pipe)])
    reader.join(5)
    assert (code, out, err) == (1, "", "")
    assert received[0].decode().splitlines()[0] == "stayup check · fx (project n-, update, inprocess) · FAIL"
