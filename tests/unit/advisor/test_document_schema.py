"""advisor.document_schema: the JSON Schema shipped in the package, and the message that names
the first bad field. The document checked is one the real CLI wrote for a small shop."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from advisor.cli import main
from advisor.document_schema import (
    SCHEMA_FILE,
    DocumentError,
    _validator,
    inline_refs,
    load_schema,
    schema_errors,
    validate_document,
)
from advisor.errors import AdvisorError
from tests.conftest import write_tree

# three apps: billing writes orders' table, orders and billing import each other (a cycle),
# a foreign key crosses into catalog; no git, no CI: a full document with failing items
SHOP = {
    "catalog/__init__.py": "",
    "catalog/models.py": """
        from django.db import models


        class Product(models.Model):
            name = models.CharField(max_length=80)
            price = models.IntegerField()
        """,
    "catalog/services.py": """
        from catalog.models import Product


        def price_of(product_id):
            return Product.objects.get(pk=product_id).price
        """,
    "orders/__init__.py": "",
    "orders/models.py": """
        from django.db import models


        class Order(models.Model):
            product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
            total = models.IntegerField()
        """,
    "orders/services.py": """
        from billing.services import invoice
        from catalog.services import price_of
        from orders.models import Order


        def place(product_id):
            order = Order.objects.create(product_id=product_id, total=price_of(product_id))
            invoice(order.pk)
            return order
        """,
    "billing/__init__.py": "",
    "billing/models.py": """
        from django.db import models


        class Invoice(models.Model):
            order_id = models.IntegerField()
        """,
    "billing/services.py": """
        from billing.models import Invoice


        def invoice(order_id):
            from orders.models import Order
            Order.objects.filter(pk=order_id).update(total=0)
            return Invoice.objects.create(order_id=order_id)
        """,
}


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("schema")
    root = write_tree(base / "shop", SHOP)
    out = base / "out"
    assert main(["analyze", str(root), "-o", str(out), "-q", "--no-git", "--no-cache",
                 "-j", "1"]) == 0
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


def first_error(document: dict, change) -> str:
    """The message ``validate_document`` raises for ``document`` after ``change``."""
    broken = copy.deepcopy(document)
    change(broken)
    with pytest.raises(DocumentError) as caught:
        validate_document(broken)
    return str(caught.value.message)


def index(document: dict, status: str) -> int:
    return next(i for i, item in enumerate(document["readiness"]["items"])
                if item["status"] == status)


def test_the_schema_ships_in_the_package_and_is_a_valid_2020_12_schema():
    text = resources.files("advisor.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert load_schema() == schema


def test_a_document_the_cli_wrote_validates(document):
    assert document["recommendation"]["candidates"] and document["contexts"]  # not trivial
    assert schema_errors(document) == []
    validate_document(document)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["contexts"][0].__setitem__("modules", "orders.models"),
     "contexts[0].modules: expected a list, not a string"),
    (lambda d: d.pop("recommendation"), "recommendation: missing (a required field)"),
    (lambda d: d["readiness"].__setitem__("score", 250),
     "readiness.score: 250 is out of range: expected a value at most 100"),
    (lambda d: d["recommendation"].__setitem__("verdict", "rewrite"),
     'recommendation.verdict: expected one of "monolith-first", "modularize-first", '
     '"extract", not "rewrite"'),
    (lambda d: d.__setitem__("contexts", {}), "contexts: expected a list, not an object"),
    (lambda d: d["dependencies"][0].__setitem__("kinds", ["import", "telepathy"]),
     'dependencies[0].kinds[1]: expected one of "import", "dynamic", "call", "inheritance", '
     '"reference", "string", not "telepathy"'),
    (lambda d: d["recommendation"]["contracts"]["files"].__setitem__("advisor-gate.toml", 3),
     'recommendation.contracts.files["advisor-gate.toml"]: expected a string, not an integer'),
    (lambda d: d["target"].__setitem__("files_analyzed", -1),
     "target.files_analyzed: -1 is out of range: expected a value at least 0"),
])
def test_the_first_bad_field_is_named_as_a_json_path(document, change, message):
    assert first_error(document, change) == message


def test_first_means_first_in_the_document_not_in_the_schema(document):
    def two_problems(d):
        d["modules"][1]["lines"] = "many"
        d["contexts"][0]["name"] = ""

    assert first_error(document, two_problems).startswith("modules[1].lines: ")

    def contexts_written_first(d):
        two_problems(d)
        d["contexts"] = d.pop("contexts")  # now the last key...
        for key in [k for k in d if k != "contexts"]:
            d[key] = d.pop(key)  # ...and then the first

    assert first_error(document, contexts_written_first) == "contexts[0].name: must not be empty"
    broken = copy.deepcopy(document)
    two_problems(broken)
    assert [e.split(":")[0] for e in schema_errors(broken)] == ["modules[1].lines",
                                                                "contexts[0].name"]


def test_a_missing_key_comes_before_the_problems_inside_its_object(document):
    def change(d):
        d["readiness"]["items"][0]["weight"] = "heavy"
        del d["readiness"]["groups"]

    assert first_error(document, change) == "readiness.groups: missing (a required field)"


def test_every_missing_key_is_listed_and_an_object_comes_before_its_contents(document):
    broken = copy.deepcopy(document)
    del broken["target"]["notes"], broken["target"]["root"]
    broken["metrics"]["cycles"] = [[""]]  # too short, and its one name is empty
    assert schema_errors(broken) == [
        "target.root: missing (a required field)",
        "target.notes: missing (a required field)",
        "metrics.cycles[0]: expected at least 2 item(s), found 1",
        "metrics.cycles[0][0]: must not be empty"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_not_json_numbers(document, value):
    def change(d):
        d["metrics"]["propagation_cost"] = value

    assert first_error(document, change) == (
        f"metrics.propagation_cost: expected a JSON number, not {value}")
    # json.load accepts NaN and Infinity: a document read from a file is checked the same way
    broken = copy.deepcopy(document)
    change(broken)
    again = json.loads(json.dumps(broken))
    assert schema_errors(again) == [f"metrics.propagation_cost: expected a JSON number, "
                                    f"not {value}"]


def test_true_is_not_a_number(document):
    assert first_error(document, lambda d: d["readiness"].__setitem__("score", True)) == (
        "readiness.score: expected a number or null, not true or false")


@pytest.mark.parametrize("version, valid", [("1.0", True), ("1.7", True), ("2.0", False),
                                            ("1", False), ("1.0-beta", False)])
def test_schema_version_is_1_x(document, version, valid):
    changed = dict(document, schema_version=version)
    assert (schema_errors(changed) == []) is valid


def test_a_measured_item_has_a_score_and_an_item_without_data_has_none(document):
    measured, no_data = index(document, "measured"), index(document, "no-data")
    assert first_error(document, lambda d: d["readiness"]["items"][measured].__setitem__(
        "score", None)) == (f"readiness.items[{measured}].score: expected a number, not null "
                            "(a measured item has a score)")
    assert first_error(document, lambda d: d["readiness"]["items"][no_data].__setitem__(
        "score", 0.5)) == (f"readiness.items[{no_data}].score: expected null, not a number "
                           "(a no-data or disabled item has no score)")


def test_a_clean_candidate_has_no_blockers(document):
    assert document["recommendation"]["candidates"][0]["blockers"]
    message = first_error(document, lambda d: d["recommendation"]["candidates"][0].__setitem__(
        "clean", True))
    assert message.startswith("recommendation.candidates[0].blockers: expected no items, found ")
    assert message.endswith("(a clean candidate has no blockers)")


def test_only_an_extract_verdict_names_a_context_to_extract(document):
    assert document["recommendation"]["verdict"] != "extract"

    def extract_without_a_name(d):
        d["recommendation"].update(verdict="extract", rule="extract")

    assert first_error(document, extract_without_a_name) == (
        "recommendation.extract_first: expected a string, not null (an extract verdict names "
        "the context to extract)")
    assert first_error(document, lambda d: d["recommendation"].__setitem__(
        "extract_first", "orders")).startswith("recommendation.extract_first: expected null")


def test_fields_the_schema_does_not_know_are_welcome(document):
    extended = copy.deepcopy(document)
    extended["provenance"] = {"ci": "github"}
    extended["contexts"][0]["owners"] = ["@shop/orders"]
    extended["recommendation"]["candidates"][0]["risk"] = "low"
    assert schema_errors(extended) == []


def test_names_from_the_analysed_tree_are_escaped_in_the_path(document):
    evil = "bad\nname\u202e</script>"
    message = first_error(document, lambda d: d["readiness"]["contexts"].__setitem__(evil, "x"))
    assert message == ('readiness.contexts["bad\\nname\\u202e</script>"]: expected a list, '
                       'not a string')
    assert message.isascii() and "\n" not in message


def test_the_error_is_a_usage_error_that_names_the_file_and_the_fix(document):
    broken = dict(document, contexts={})
    with pytest.raises(AdvisorError) as caught:
        validate_document(broken, source="out/assessment.json")
    error = caught.value
    assert isinstance(error, DocumentError) and error.exit_code == 2
    assert error.path == "contexts" and error.problem == "expected a list, not an object"
    assert str(error).startswith("out/assessment.json: contexts: expected a list, not an object")
    assert "advisor analyze" in str(error) and "\n" not in str(error)


def test_something_that_is_not_an_object():
    assert schema_errors([]) == ["(document): expected an object, not a list"]
    with pytest.raises(DocumentError, match=r"^\(document\): expected an object"):
        validate_document("assessment")


def _contains_ref(node) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_contains_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_contains_ref(v) for v in node)
    return False


def test_inlined_references_check_exactly_what_the_references_check(document):
    schema = load_schema()
    assert _contains_ref(schema) and not _contains_ref(inline_refs(schema))
    plain = Draft202012Validator(schema)
    changes = [lambda d: d["contexts"][0].__setitem__("members", [{"module": "x"}]),
               lambda d: d["recommendation"]["candidates"][0]["data"].__setitem__("tables", 1),
               lambda d: d["metrics"]["cycle_breakers"].append({"modules": ["a"], "cut": []}),
               lambda d: d["readiness"]["items"][0]["evidence"].append({"path": "a"}),
               lambda d: d["readiness"]["items"][0].update(status="measured", score=None)]
    for change in changes:
        broken = copy.deepcopy(document)
        change(broken)
        expected = {(tuple(e.absolute_path), e.validator, e.message)
                    for e in plain.iter_errors(broken)}
        assert expected, "the change must break the document"
        assert {(tuple(e.absolute_path), e.validator, e.message)
                for e in _validator().iter_errors(broken)} == expected


# --- the judgement section and the fields of "one partition" (issue 12) --------------------------

@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("judgement"), "judgement: missing (a required field)"),
    (lambda d: d["recommendation"].pop("blockers"),
     "recommendation.blockers: missing (a required field)"),
    (lambda d: d["judgement"]["lines"].__setitem__("share", 1.5),
     "judgement.lines.share: 1.5 is out of range: expected a value at most 1"),
    (lambda d: d["judgement"].__setitem__("owner_source", "git"),
     'judgement.owner_source: expected one of "codeowners", "history", null, not "git"'),
    (lambda d: d["judgement"]["contexts"][0].__setitem__("churn", {"changes": -1, "share": 0}),
     "judgement.contexts[0].churn.changes: -1 is out of range: expected a value at least 0"),
    (lambda d: d["judgement"]["contexts"][0].__setitem__("cochange", 0),
     "judgement.contexts[0].cochange: expected an object or null, not an integer"),
    (lambda d: d["judgement"]["contexts"][0].__setitem__("owners", [{"name": "", "share": 1}]),
     "judgement.contexts[0].owners[0].name: must not be empty"),
    (lambda d: d["judgement"]["links"][0].__setitem__("edges", 0),
     "judgement.links[0].edges: 0 is out of range: expected a value at least 1"),
    (lambda d: d["judgement"]["links"][0]["kinds"].__setitem__("Django strings", 1),
     'judgement.links[0].kinds: "Django strings" does not match ^[a-z][a-z0-9_]*$'),
    (lambda d: d["judgement"]["contexts"][0].update(in_cycle=True, cycle_partners=[]),
     "judgement.contexts[0].cycle_partners: expected at least 1 item(s), found 0 (a context in "
     "a cycle names its partners)"),
    (lambda d: d["judgement"]["cycles"].append({"contexts": ["billing", "catalog"], "cut": []}),
     "judgement.cycles[0].cut: expected at least 1 item(s), found 0"),
    (lambda d: d["recommendation"].__setitem__("partition_notes", ["a", "b", "c", "d"]),
     "recommendation.partition_notes: expected at most 3 item(s), found 4"),
    (lambda d: d["contexts"][0].__setitem__("tests", "billing.tests"),
     "contexts[0].tests: expected a list, not a string"),
    (lambda d: d["metrics"]["proposal"].pop("wiring"),
     "metrics.proposal.wiring: missing (a required field)"),
])
def test_the_judgement_and_the_partition_fields_are_checked(document, change, message):
    assert first_error(document, change) == message


def test_a_table_whose_name_is_not_written_literally_is_null(document):
    """A model without ``db_table``/``__tablename__`` (a SQLAlchemy mixin, say): its table is
    unknown, which the builder writes as null; an empty name is still refused."""
    def unnamed(d):
        d["contexts"][0]["tables"] = [{"model": "Base", "module": "billing.models",
                                       "table": None}]

    changed = copy.deepcopy(document)
    unnamed(changed)
    assert schema_errors(changed) == []
    changed["contexts"][0]["tables"][0]["table"] = ""
    assert schema_errors(changed) == ["contexts[0].tables[0].table: must not be empty"]


def test_tests_and_migrations_of_a_context_are_optional(document):
    older = copy.deepcopy(document)
    for c in older["contexts"]:
        c.pop("tests", None)
        c.pop("migrations", None)
    assert schema_errors(older) == []


# --- invariants across fields ---------------------------------------------------------------------

def _rename_judged(d):
    d["judgement"]["contexts"][0]["name"] = "ghost"


@pytest.mark.parametrize("change, message", [
    (_rename_judged, 'judgement.contexts[0].name: "ghost" is not a context of contexts[]'),
    (lambda d: d["readiness"]["contexts"].pop("catalog"),
     'readiness.contexts: lacks "catalog", a context of contexts[] (one partition: every '
     'section lists the same contexts)'),
    (lambda d: d["readiness"]["contexts"].__setitem__("ghost", []),
     'readiness.contexts.ghost: "ghost" is not a context of contexts[]'),
    (lambda d: d["recommendation"]["candidates"].append(
        copy.deepcopy(d["recommendation"]["candidates"][0])),
     f'recommendation.candidates[2].context: "{{first}}" appears twice'),
    (lambda d: d["judgement"]["order"].pop(),
     'judgement.order: lacks "{last}", a context of contexts[] (one partition: every section '
     'lists the same contexts)'),
    (lambda d: d["judgement"]["links"][0].__setitem__("target", "orders"),
     'judgement.links[0].target: "orders" is not a context of contexts[]'),
    (lambda d: d["modules"][0].__setitem__("context", "ghost"),
     'modules[0].context: "ghost" is not a context of contexts[]'),
    (lambda d: d["modules"][0].__setitem__("context", None),
     'contexts[0].modules: lists "billing", whose modules[].context is not "billing"'),
    (lambda d: d["metrics"]["proposal"].__setitem__("contexts", 5),
     "metrics.proposal.contexts: 5, but contexts lists 2"),
    (lambda d: d["target"].__setitem__("files_analyzed", 3),
     "target.files_analyzed: 3, but modules lists 9"),
    (lambda d: d["dependencies"][0].__setitem__("target", "nowhere"),
     'dependencies[0].target: "nowhere" is not in modules'),
    (lambda d: d["judgement"]["lines"].__setitem__("in_contexts", 1),
     "judgement.lines.in_contexts: 1, but judgement.contexts[].lines add up to {inside}"),
    (lambda d: d["judgement"]["lines"].__setitem__("share", 0.5),
     "judgement.lines.share: 0.5 is not in_contexts / application"),
    (lambda d: d["recommendation"]["plan"][0].__setitem__("order", 2),
     "recommendation.plan[0].order: 2, expected 1 (steps count 1, 2, 3...)"),
    (lambda d: d["recommendation"]["separable_contexts"].append("ghost"),
     'recommendation.separable_contexts[0]: "ghost" is not a context of contexts[]'),
])
def test_a_document_that_contradicts_itself_is_refused_naming_the_field(document, change,
                                                                        message):
    assert [c["name"] for c in document["contexts"]] == ["billing", "catalog"]
    assert not document["recommendation"]["separable_contexts"]
    expected = message.format(
        first=document["recommendation"]["candidates"][0]["context"],
        last=document["judgement"]["order"][-1],
        inside=sum(c["lines"] for c in document["judgement"]["contexts"]))
    assert first_error(document, change) == expected


def test_an_extract_verdict_extracts_the_first_candidate(document):
    def extract_the_second(d):
        d["recommendation"].update(verdict="extract", rule="extract",
                                   extract_first=d["recommendation"]["candidates"][1]["context"])

    first, second = (c["context"] for c in document["recommendation"]["candidates"][:2])
    assert first_error(document, extract_the_second) == (
        f'recommendation.extract_first: "{second}" is not the first candidate ("{first}")')


def test_invariants_are_checked_once_the_schema_is_met(document):
    """Their checks read fields without checking types: a schema problem is named alone."""
    broken = copy.deepcopy(document)
    _rename_judged(broken)
    broken["target"]["lines"] = "many"
    assert schema_errors(broken) == ["target.lines: expected an integer, not a string"]


def test_a_wrong_entry_is_named_before_the_entry_its_list_then_lacks(document):
    broken = copy.deepcopy(document)
    _rename_judged(broken)
    assert [e.split(":")[0] for e in schema_errors(broken)] == ["judgement.contexts[0].name",
                                                                "judgement.contexts"]


def test_version_1_2_fields_are_always_written_and_a_1_1_document_still_validates(document):
    """The builder writes what each item argues and each plan step's kind (1.2); a document
    written by 1.1, without them, is still a valid 1.x document that 'advisor report' renders."""
    assert document["schema_version"] == "1.2"
    assert all(i["argues"] in ("extract", "stay", "ready", "partial", "gap", "unknown")
               for i in document["readiness"]["items"])
    assert all(s["kind"] for s in document["recommendation"]["plan"])
    old = copy.deepcopy(document)
    old["schema_version"] = "1.1"
    for item in old["readiness"]["items"]:
        del item["argues"]
    for step in old["recommendation"]["plan"]:
        del step["kind"]
    validate_document(old)
