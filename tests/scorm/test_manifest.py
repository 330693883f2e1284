"""Manifests of both SCORM versions: official XSDs plus the checks the XSDs miss."""

from __future__ import annotations

import re

import pytest
import xmltodict

from scorm_export.manifest import AssetEntry, ScoEntry, build_manifest, manifest_xml
from scorm_export.versions import TRAITS
from tests.scorm.validation import xsd_errors

QUIZ = ScoEntry("understanding-migration", "1. Understanding", "01-x/index.html",
                ("01-x/index.html", "01-x/sco.js"), 70)
NO_QUIZ = ScoEntry("no-quiz", "2. Reading only", "02-y/index.html", ("02-y/index.html",), None)


def manifest(version: str, scos: tuple[ScoEntry, ...] = (QUIZ,)) -> bytes:
    return manifest_xml(build_manifest("iacim.test.es", "Title", scos, version))  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("scos", [(QUIZ,), (NO_QUIZ,), (QUIZ, NO_QUIZ)])
def test_manifest_is_schema_valid(version: str, scos: tuple[ScoEntry, ...]) -> None:
    assert xsd_errors(manifest(version, scos), version) == []


@pytest.mark.parametrize(("version", "find", "replace"), [
    ("1.2", 'adlcp:scormtype="sco"', 'adlcp:scormtype="SCO"'),
    ("1.2", 'adlcp:scormtype="sco"', 'adlcp:scormType="sco"'),
    ("2004", 'adlcp:scormType="sco"', 'adlcp:scormType="SCO"'),
    ("2004", "<imsss:minNormalizedMeasure>0.70", "<imsss:minNormalizedMeasure>70"),
])
def test_the_validator_catches_known_mistakes(version: str, find: str, replace: str) -> None:
    broken = manifest(version).decode().replace(find, replace).encode()
    assert broken != manifest(version)
    assert xsd_errors(broken, version)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_literal_prefixes_default_namespace_and_exact_schemaversion(version: str) -> None:
    text = manifest(version).decode()
    traits = TRAITS[version]  # type: ignore[index]
    default = traits.namespaces[""]
    assert f'<manifest identifier="iacim.test.es" version="1.0" xmlns="{default}"' in text
    for prefix, uri in traits.namespaces.items():
        if prefix:
            assert f'xmlns:{prefix}="{uri}"' in text
    assert f"<schemaversion>{traits.schemaversion}</schemaversion>" in text
    # Lax wildcards in CP 1.1.4 let a wrong-case attribute through: check the literal name.
    assert text.count(f'{traits.scormtype_attribute}="sco"') == 1
    assert not re.search(r"scorm[tT]ype=\"(?!sco\")", text)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_identifiers_are_unique_ncnames_and_every_reference_resolves(version: str) -> None:
    parsed = xmltodict.parse(manifest(version, (QUIZ, NO_QUIZ)))["manifest"]
    items = parsed["organizations"]["organization"]["item"]
    resources = parsed["resources"]["resource"]
    ids = [parsed["@identifier"], parsed["organizations"]["organization"]["@identifier"],
           *(i["@identifier"] for i in items), *(r["@identifier"] for r in resources)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids)
    assert {i["@identifierref"] for i in items} == {r["@identifier"] for r in resources}
    organizations = parsed["organizations"]
    assert organizations["@default"] == organizations["organization"]["@identifier"]


def test_pass_mark_becomes_mastery_score_and_scaled_passing_score() -> None:
    assert "<adlcp:masteryscore>70</adlcp:masteryscore>" in manifest("1.2").decode()
    text = manifest("2004").decode()
    assert "<imsss:minNormalizedMeasure>0.70</imsss:minNormalizedMeasure>" in text
    assert 'satisfiedByMeasure="true"' in text
    assert "masteryscore" not in manifest("1.2", (NO_QUIZ,)).decode()
    assert "imsss:objectives" not in manifest("2004", (NO_QUIZ,)).decode()


def test_same_input_gives_the_same_bytes() -> None:
    assert manifest("2004") == manifest("2004")


RUNTIME = AssetEntry("shared-runtime", ("runtime/sco.js", "runtime/sco.css"))
SHARING = (
    ScoEntry("one", "1. One", "01-one/index.html", ("01-one/index.html",), 70, ("shared-runtime",)),
    ScoEntry("two", "2. Two", "02-two/index.html", ("02-two/index.html",), None,
             ("shared-runtime",)),
)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_shared_files_are_an_asset_resource_the_scos_depend_on(version: str) -> None:
    xml = manifest_xml(build_manifest("iacim.test.es", "Title", SHARING, version, [RUNTIME]))  # type: ignore[arg-type]
    assert xsd_errors(xml, version) == []
    text = xml.decode()
    assert text.count('<dependency identifierref="RES-shared-runtime">') == 2
    attribute = TRAITS[version].scormtype_attribute  # type: ignore[index]
    assert text.count(f'{attribute}="asset"') == 1 and text.count(f'{attribute}="sco"') == 2
    # Items launch SCOs only: the asset has no item and no href.
    parsed = xmltodict.parse(xml)["manifest"]
    items = parsed["organizations"]["organization"]["item"]
    assert [i["@identifierref"] for i in items] == ["RES-one", "RES-two"]
    assert "@href" not in parsed["resources"]["resource"][-1]


def test_a_dependency_on_an_unlisted_asset_is_refused() -> None:
    with pytest.raises(ValueError, match="shared-runtime"):
        build_manifest("iacim.test.es", "Title", SHARING, "1.2")
