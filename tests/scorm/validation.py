"""Offline XSD validation of manifests against the official schemas (lxml, no network)."""

from __future__ import annotations

from functools import cache

from lxml import etree

from tests.scorm.shared import shared_path

# The XML namespace comes first: libxml2 then skips the schemas' own (remote or malformed)
# imports of it. imsmd is left out: libxml2 cannot compile it, and our manifests carry no
# inline metadata.
IMPORTS = {
    "1.2": [
        ("http://www.w3.org/XML/1998/namespace", "scorm12/xml.xsd"),
        ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm12/imscp_rootv1p1p2.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "scorm12/adlcp_rootv1p2.xsd"),
    ],
    "2004": [
        ("http://www.w3.org/XML/1998/namespace", "scorm2004_4ed/xml.xsd"),
        ("http://www.imsglobal.org/xsd/imscp_v1p1", "scorm2004_4ed/imscp_v1p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "scorm2004_4ed/adlcp_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", "scorm2004_4ed/adlseq_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", "scorm2004_4ed/adlnav_v1p3.xsd"),
        ("http://www.imsglobal.org/xsd/imsss", "scorm2004_4ed/imsss_v1p0.xsd"),
    ],
}


@cache
def schema(version: str) -> etree.XMLSchema:
    """The compiled schema set of a SCORM version."""
    root = shared_path("scorm-schemas")
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(root / rel).as_uri()}"/>'
                      for ns, rel in IMPORTS[version])
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.fromstring(driver.encode(), parser, base_url=(root / "driver.xsd").as_uri())
    return etree.XMLSchema(document)


def xsd_errors(manifest: bytes, version: str) -> list[str]:
    """Every schema violation of a manifest, as `line: message`."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.fromstring(manifest, parser)
    compiled = schema(version)
    if compiled.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in compiled.error_log]
