"""JUnit XML for ``advisor check``: one test case per rule; a rule with new error violations
fails and lists them; warnings go to the test case's output; rules switched off are skipped.

Names and messages come from the analysed repository: each violation stays on one line with
control characters shown as escapes (``safe_line``, as in text output, so the file is safe to
print in a CI log too), and characters XML 1.0 does not allow are escaped (``xml_text``), so
the file always parses.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports.safe import safe_line, xml_text


def _line(v: dict) -> str:
    place = f"{v['path']}:{v['line']}" if v["path"] and v["line"] else (v["path"] or "(project)")
    return xml_text(safe_line(f"{place}: {v['message']}"))


class JunitFormat:
    name = "junit"

    def format(self, document: dict) -> str:
        new = [v for v in document["violations"] if v["status"] == "new"]
        suites = ET.Element("testsuites", name="advisor check")
        suite = ET.SubElement(suites, "testsuite", name="advisor check")
        failures = skipped = 0
        for rule in document["rules"]:
            case = ET.SubElement(suite, "testcase", classname="advisor.gate",
                                 name=xml_text(rule["id"]))
            if rule["severity"] == "off":
                ET.SubElement(case, "skipped", message="rule is off")
                skipped += 1
                continue
            found = [v for v in new if v["rule"] == rule["id"]]
            if not found:
                continue
            guidance = xml_text(safe_line(f"guidance: {rule['guidance']}"))
            body = "\n".join([*(_line(v) for v in found), guidance])
            if rule["severity"] == "error":
                failure = ET.SubElement(case, "failure", type="error",
                                        message=xml_text(f"{len(found)} new violation(s) "
                                                         f"of {rule['title']!r}"))
                failure.text = body
                failures += 1
            else:
                ET.SubElement(case, "system-out").text = "warning: " + body
        for element in (suites, suite):
            element.set("tests", str(len(document["rules"])))
            element.set("failures", str(failures))
            element.set("errors", "0")
            element.set("skipped", str(skipped))
        ET.indent(suites)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            suites, encoding="unicode") + "\n"
