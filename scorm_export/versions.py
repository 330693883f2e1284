"""What differs between SCORM 1.2 and SCORM 2004 4th edition manifests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ScormVersion = Literal["1.2", "2004"]
VERSIONS: tuple[ScormVersion, ...] = ("1.2", "2004")


@dataclass(frozen=True)
class VersionTraits:
    """Namespaces, attribute names and schema files of one SCORM version."""

    schemaversion: str
    namespaces: dict[str, str]  # prefix ("" for the default namespace) -> URI
    schema_locations: tuple[tuple[str, str], ...]
    scormtype_attribute: str
    schema_folder: str
    schema_files: tuple[str, ...]  # shipped at the zip root when schemas are available


SCORM12 = VersionTraits(
    schemaversion="1.2",
    namespaces={
        "": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    },
    schema_locations=(
        ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
        ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
    ),
    scormtype_attribute="adlcp:scormtype",
    schema_folder="scorm12",
    schema_files=("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd",
                  "ims_xml.xsd", "XMLSchema.dtd", "datatypes.dtd"),
)

SCORM2004 = VersionTraits(
    # Exactly this text: anything else makes Moodle run the package as SCORM 1.2.
    schemaversion="2004 4th Edition",
    namespaces={
        "": "http://www.imsglobal.org/xsd/imscp_v1p1",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
        "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
        "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
        "imsss": "http://www.imsglobal.org/xsd/imsss",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    },
    schema_locations=(
        ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
        ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
    ),
    scormtype_attribute="adlcp:scormType",
    schema_folder="scorm2004_4ed",
    schema_files=(),  # the whole folder (with its sub-folders) is shipped
)

TRAITS: dict[ScormVersion, VersionTraits] = {"1.2": SCORM12, "2004": SCORM2004}
