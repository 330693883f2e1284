"""imsmanifest.xml built as data and written with xmltodict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xmltodict

from scorm_export.versions import TRAITS, ScormVersion

_NCNAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class ScoEntry:
    """One launchable module: what the manifest needs to know about it."""

    slug: str
    title: str
    launch: str  # path of the launch page inside the zip
    files: tuple[str, ...]  # every file of the SCO, paths inside the zip
    pass_mark: int | None  # None for a module without a graded quiz
    dependencies: tuple[str, ...] = ()  # slugs of the AssetEntry resources the SCO also loads


@dataclass(frozen=True)
class AssetEntry:
    """Files several SCOs load (a shared runtime): a resource of its own, which the SCOs name as
    a `<dependency>`, so each file is in the package once."""

    slug: str
    files: tuple[str, ...]


def identifier(*parts: str) -> str:
    """An xsd:ID made only of stable parts, so re-uploads keep Moodle's tracking data."""
    return _NCNAME_UNSAFE.sub("_", "-".join(parts))


def _sequencing(pass_mark: int) -> dict[str, Any]:
    # Moodle reads minNormalizedMeasure into cmi.scaled_passing_score (range 0..1).
    objective: dict[str, Any] = {"@objectiveID": "PRIMARYOBJ", "@satisfiedByMeasure": "true",
                                 "imsss:minNormalizedMeasure": f"{pass_mark / 100:.2f}"}
    # Children in the order imsss_v1p0.xsd requires: objectives before deliveryControls.
    return {"imsss:objectives": {"imsss:primaryObjective": objective},
            "imsss:deliveryControls": {"@completionSetByContent": "true",
                                       "@objectiveSetByContent": "true"}}


def _item(sco: ScoEntry, version: ScormVersion) -> dict[str, Any]:
    item: dict[str, Any] = {"@identifier": identifier("ITEM", sco.slug),
                            "@identifierref": identifier("RES", sco.slug), "title": sco.title}
    if version == "1.2":
        item["@isvisible"] = "true"
        if sco.pass_mark is not None:
            item["adlcp:masteryscore"] = str(sco.pass_mark)
    elif sco.pass_mark is not None:
        item["imsss:sequencing"] = _sequencing(sco.pass_mark)
    return item


def _resource(sco: ScoEntry, version: ScormVersion) -> dict[str, Any]:
    resource = {"@identifier": identifier("RES", sco.slug), "@type": "webcontent",
                f"@{TRAITS[version].scormtype_attribute}": "sco", "@href": sco.launch,
                "file": [{"@href": path} for path in sco.files]}
    if sco.dependencies:
        # After the files: the CP schemas order a resource's children metadata, file, dependency.
        resource["dependency"] = [{"@identifierref": identifier("RES", slug)}
                                  for slug in sco.dependencies]
    return resource


def _asset_resource(asset: AssetEntry, version: ScormVersion) -> dict[str, Any]:
    # No href: an asset that is never launched, only loaded by the SCOs that depend on it.
    return {"@identifier": identifier("RES", asset.slug), "@type": "webcontent",
            f"@{TRAITS[version].scormtype_attribute}": "asset",
            "file": [{"@href": path} for path in asset.files]}


def build_manifest(manifest_id: str, title: str, scos: Sequence[ScoEntry],
                   version: ScormVersion, assets: Sequence[AssetEntry] = ()) -> dict[str, Any]:
    """The manifest as a dict in xmltodict's shape: CP namespace as default, literal prefixes."""
    known = {asset.slug for asset in assets}
    missing = sorted({slug for sco in scos for slug in sco.dependencies} - known)
    if missing:
        raise ValueError(f"SCOs depend on assets the manifest does not list: {', '.join(missing)}")
    traits = TRAITS[version]
    namespaces = {("@xmlns" if prefix == "" else f"@xmlns:{prefix}"): uri
                  for prefix, uri in traits.namespaces.items()}
    locations = " ".join(f"{ns} {xsd}" for ns, xsd in traits.schema_locations)
    organization: dict[str, Any] = {"@identifier": identifier("ORG", manifest_id), "title": title,
                                    "item": [_item(sco, version) for sco in scos]}
    if version == "2004" and len(scos) > 1:
        organization["imsss:sequencing"] = {"imsss:controlMode": {"@choice": "true",
                                                                  "@flow": "true"}}
    return {"manifest": {
        "@identifier": identifier(manifest_id), "@version": "1.0", **namespaces,
        "@xsi:schemaLocation": locations,
        "metadata": {"schema": "ADL SCORM", "schemaversion": traits.schemaversion},
        "organizations": {"@default": identifier("ORG", manifest_id),
                          "organization": organization},
        "resources": {"resource": [*(_resource(sco, version) for sco in scos),
                                   *(_asset_resource(asset, version) for asset in assets)]},
    }}


def manifest_xml(manifest: dict[str, Any]) -> bytes:
    """Serialise a manifest dict; the same dict always gives the same bytes."""
    text: str = xmltodict.unparse(manifest, pretty=True, indent="  ", encoding="utf-8")
    return text.encode("utf-8") + b"\n"
