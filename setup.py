"""Packaging glue that pyproject.toml cannot express: alembic/, templates/ and static/ live at
the repository root, and a wheel carries them inside the package as ``studynotes._data``,
where ``studynotes.resources`` looks first."""

from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent
DATA = {
    name: folder
    for name, folder in {
        "studynotes._data.alembic": "alembic",
        "studynotes._data.alembic.versions": "alembic/versions",
        "studynotes._data.templates": "templates",
        "studynotes._data.static": "static",
    }.items()
    if (ROOT / folder).is_dir()
}

setup(
    packages=[*find_packages("src"), *DATA],
    package_dir={"": "src", **DATA},
    package_data={name: ["*"] for name in DATA},
)
