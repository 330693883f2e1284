"""Every shipped module exports in both SCORM versions as a package Moodle accepts."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmltodict

from lms.content import Course, build_course
from scorm_export.package import (
    COURSE_TITLES,
    course_package,
    module_package,
    package_files,
    write_atomically,
    zip_bytes,
)
from scorm_export.sco import RUNTIME_FILES
from tests.scorm.shared import moodle_checker, shared_path
from tests.scorm.validation import xsd_errors
from tests.shipped import COURSE, FILES, PROBLEMS

VERSIONS = ["1.2", "2004"]


def shipped() -> tuple[Course, dict[str, bytes]]:
    assert not PROBLEMS
    return COURSE, FILES


def names_of(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def manifest_of(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml")


@pytest.fixture(params=[(n, v, lang) for n in range(6) for v in VERSIONS for lang in ("es", "en")],
                ids=lambda p: f"module{p[0] + 1}-{p[1]}-{p[2]}")
def package(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    number, version, lang = request.param
    course, files = shipped()
    built = module_package(files, course.modules[number], version=version, lang=lang)
    path = tmp_path / built.file_name
    path.write_bytes(built.data)
    return version, path


def test_module_package_validates_and_passes_moodles_rules(package: tuple[str, Path]) -> None:
    version, path = package
    data = path.read_bytes()
    assert names_of(data)[0] == "imsmanifest.xml"
    assert xsd_errors(manifest_of(data), version) == []
    report = moodle_checker().moodle_like_check(str(path))
    assert report["problems"] == []
    assert report["moodle_version"] == ("SCORM_1.2" if version == "1.2" else "SCORM_1.3")
    launchable = [i for i in report["items"] if i["launch"] and i["scormtype"] == "sco"]
    assert len(launchable) == 1 and launchable[0]["launch"].endswith("/index.html")


def test_manifest_lists_exactly_the_files_in_the_zip(package: tuple[str, Path]) -> None:
    _, path = package
    data = path.read_bytes()
    manifest = xmltodict.parse(manifest_of(data), force_list=("resource", "file"))["manifest"]
    listed = {f["@href"] for r in manifest["resources"]["resource"] for f in r["file"]}
    assert listed == set(names_of(data)) - {"imsmanifest.xml"}


@pytest.mark.parametrize("version", VERSIONS)
def test_zips_are_reproducible_and_identifiers_stable_across_edits(version: str) -> None:
    course, files = shipped()
    module = course.modules[0]
    first = module_package(files, module, version=version, lang="es")  # type: ignore[arg-type]
    assert module_package(files, module, version=version, lang="es").data == first.data  # type: ignore[arg-type]
    lesson_path = next(p for p in files if p.startswith(module.folder) and p.endswith("es.md")
                       and "/01-" in p)
    edited = dict(files)
    edited[lesson_path] = files[lesson_path].replace(b"\n## ", b"\nOne more sentence.\n\n## ", 1)
    course2, problems = build_course(edited)
    assert not problems
    second = module_package(edited, course2.modules[0], version=version, lang="es")  # type: ignore[arg-type]
    assert second.data != first.data

    def ids(data: bytes) -> list[str]:
        text = manifest_of(data).decode()
        return sorted(part.split('"')[1] for part in text.split(" identifier")[1:])

    assert ids(second.data) == ids(first.data)


@pytest.mark.parametrize("version", VERSIONS)
def test_course_package_holds_one_sco_per_module(version: str, tmp_path: Path) -> None:
    course, files = shipped()
    built = course_package(files, course, version=version, lang="en")  # type: ignore[arg-type]
    path = tmp_path / built.file_name
    path.write_bytes(built.data)
    assert xsd_errors(manifest_of(built.data), version) == []
    report = moodle_checker().moodle_like_check(str(path))
    assert report["problems"] == []
    assert [i["scormtype"] for i in report["items"]] == ["sco"] * 6


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_files_ship_at_the_root_when_given(version: str) -> None:
    course, files = shipped()
    schemas = shared_path("scorm-schemas")
    built = module_package(files, course.modules[1], version=version, lang="es",  # type: ignore[arg-type]
                           schemas=schemas)
    names = set(names_of(built.data))
    expected = "imscp_rootv1p1p2.xsd" if version == "1.2" else "imscp_v1p1.xsd"
    assert expected in names and "imsmanifest.xml" in names


def test_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    occupied = tmp_path / "package.zip"
    occupied.mkdir()  # a folder where the zip should go: replacing it fails
    with pytest.raises(OSError):
        write_atomically(b"data", occupied)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package.zip"]
    assert list(occupied.iterdir()) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_course_package_ships_the_runtime_once_as_a_shared_dependency(version: str) -> None:
    course, files = shipped()
    built = course_package(files, course, version=version, lang="en")  # type: ignore[arg-type]
    names = names_of(built.data)
    for runtime in RUNTIME_FILES:
        assert [n for n in names if n.rsplit("/", 1)[-1] == runtime] == [f"runtime/{runtime}"]
    archive = zipfile.ZipFile(io.BytesIO(built.data))
    for module in course.modules:
        page = archive.read(f"{module.folder}/index.html").decode()
        assert all(f'"../runtime/{runtime}"' in page for runtime in RUNTIME_FILES)
    manifest = xmltodict.parse(manifest_of(built.data), force_list=("resource", "file",
                                                                     "dependency"))["manifest"]
    resources = {r["@identifier"]: r for r in manifest["resources"]["resource"]}
    shared = resources.pop("RES-shared-runtime")
    assert shared[f"@adlcp:{'scormtype' if version == '1.2' else 'scormType'}"] == "asset"
    assert "@href" not in shared
    assert [f["@href"] for f in shared["file"]] == sorted(f"runtime/{n}" for n in RUNTIME_FILES)
    # Every SCO names the shared runtime (the schemas type identifierref as a plain string).
    assert len(resources) == 6
    assert all([d["@identifierref"] for d in r["dependency"]] == ["RES-shared-runtime"]
               for r in resources.values())
    # Smaller than six copies: the same package built with one runtime per SCO folder.
    copies = zip_bytes(package_files(files, course.modules, version=version, lang="en",  # type: ignore[arg-type]
                                     manifest_id="iacim.course.en", title=COURSE_TITLES["en"]))
    runtime_size = len(zip_bytes({n: archive.read(f"runtime/{n}") for n in RUNTIME_FILES}))
    assert len(copies) - len(built.data) > 4 * runtime_size


def test_module_package_keeps_its_runtime_beside_its_page() -> None:
    course, files = shipped()
    built = module_package(files, course.modules[0], version="2004", lang="en")
    folder = course.modules[0].folder
    assert {f"{folder}/{n}" for n in RUNTIME_FILES} <= set(names_of(built.data))
    assert b"dependency" not in manifest_of(built.data)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_written_files_are_readable_by_all_under_the_usual_umask(
    tmp_path: Path, umask_022: None
) -> None:
    destination = tmp_path / "package.zip"
    write_atomically(b"data", destination)
    assert stat.S_IMODE(destination.stat().st_mode) == 0o644
    write_atomically(b"more", destination)  # replacing a file gives the same mode
    assert stat.S_IMODE(destination.stat().st_mode) == 0o644
    assert destination.read_bytes() == b"more"
    assert [p.name for p in tmp_path.iterdir()] == ["package.zip"]


def test_written_files_follow_a_stricter_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        write_atomically(b"data", tmp_path / "private.zip")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "private.zip").stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["module", "course"])
def test_zip_entries_are_regular_files_readable_by_all(kind: str, tmp_path: Path) -> None:
    course, files = shipped()
    built = (module_package(files, course.modules[2], version="1.2", lang="es") if kind == "module"
             else course_package(files, course, version="1.2", lang="es"))
    infos = zipfile.ZipFile(io.BytesIO(built.data)).infolist()
    assert infos and all(i.create_system == 3 for i in infos)  # Unix: the mode below is read
    assert {stat.filemode(i.external_attr >> 16) for i in infos} == {"-rw-r--r--"}
    if shutil.which("unzip") is None:
        return
    # Info-ZIP's unzip gives each file the mode its entry carries, whatever the umask.
    archive = tmp_path / built.file_name
    archive.write_bytes(built.data)
    out = tmp_path / "out"
    subprocess.run(["sh", "-c", 'umask 077 && unzip -q "$0" -d "$1"', archive, out], check=True)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}
    assert modes == {0o644}
