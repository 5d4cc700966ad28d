"""Small code bases written to a tmp dir and read by the real analysis (files, parser, graph,
model index, data ownership), for the ORM tests: tables and foreign keys as the truth set states
them (``benchmarks/truth/README.md``)."""

from __future__ import annotations

import textwrap

from advisor.data_ownership import DataOwnership, build_data_ownership
from advisor.graph import build_graph, package_of
from analyzers.codebase import ScanOptions, collect


def write_tree(root, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


def tree_graph(root, files: dict[str, str]):
    """Writes ``files`` under ``root`` (``__init__.py`` added to every folder) and reads them."""
    every = dict(files)
    for path in files:
        parts = path.split("/")[:-1]
        for cut in range(1, len(parts) + 1):
            every.setdefault("/".join(parts[:cut]) + "/__init__.py", "")
    write_tree(root, every)
    return build_graph(collect(str(root), ScanOptions(use_cache=False, jobs=1)))


def analyse(root, files: dict[str, str]) -> DataOwnership:
    """The data ownership of a written tree, with one context per package."""
    graph = tree_graph(root, files)
    return build_data_ownership(graph, {n: package_of(m) for n, m in graph.modules.items()})


def tables(data: DataOwnership) -> dict[str, str | None]:
    """table -> owning package, for the tables the code base's models own."""
    return {m.table: m.context for m in data.models if m.table}


def keys(data: DataOwnership, crossing: bool = False) -> set[str]:
    """``"from_table -> to_table"`` for the foreign keys (only those crossing packages)."""
    models = {m.qualname: m for m in data.models + getattr(data, "external_models", ())}
    out = set()
    for fk in data.foreign_keys:
        source, target = models.get(fk.source), models.get(fk.target)
        if source and target and source.table and target.table and (fk.crosses or not crossing):
            out.add(f"{source.table} -> {target.table}")
    return out


# --- trees shared by the table and the key tests ---------------------------------------------
DECLARED_ATTR = {
    "app/database.py": """\
        import re
        from sqlalchemy.orm import DeclarativeBase, declared_attr

        def resolve_table_name(name):
            names = re.split("(?=[A-Z])", name)
            return "_".join([x.lower() for x in names if x])

        class Base(DeclarativeBase):
            @declared_attr.directive
            def __tablename__(cls):
                return resolve_table_name(cls.__name__)
        """,
    "app/models.py": """\
        from sqlalchemy import Column, DateTime, ForeignKey, Integer
        from sqlalchemy.orm import declared_attr, relationship

        class ProjectMixin(object):
            @declared_attr
            def project_id(cls):
                return Column(Integer, ForeignKey("project.id"))

            @declared_attr
            def project(cls):
                return relationship("Project")

        class TimeStampMixin(object):
            created_at = Column(DateTime)
        """,
    "app/project/models.py": """\
        from sqlalchemy import Column, Integer
        from app.database import Base

        class Project(Base):
            id = Column(Integer, primary_key=True)
        """,
    "app/tag/models.py": """\
        from sqlalchemy import Column, Integer
        from app.database import Base

        class Tag(Base):
            id = Column(Integer, primary_key=True)
        """,
    "app/case/models.py": """\
        from sqlalchemy import Column, ForeignKey, Integer, Table
        from sqlalchemy.orm import relationship
        from app.database import Base
        from app.models import ProjectMixin, TimeStampMixin
        from app.tag.models import Tag

        assoc_case_tags = Table(
            "assoc_case_tags",
            Base.metadata,
            Column("case_id", Integer, ForeignKey("case.id")),
            Column("tag_id", Integer, ForeignKey("tag.id")),
        )

        class Case(Base, TimeStampMixin, ProjectMixin):
            id = Column(Integer, primary_key=True)
            main_tag_id = Column(Integer, ForeignKey(Tag.id))
            tags = relationship("Tag", secondary=assoc_case_tags)
            notes = relationship("CaseNotes", back_populates="case")

        class CaseNotes(Base, TimeStampMixin):
            id = Column(Integer, primary_key=True)
            case_id = Column(Integer, ForeignKey("case.id"))
        """,
}


FLASK = {
    "web/models/__init__.py": """\
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()

        class Challenges(db.Model):
            __tablename__ = "challenges"
            id = db.Column(db.Integer, primary_key=True)
            type = db.Column(db.String(80))
            __mapper_args__ = {"polymorphic_on": type}

        class Users(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)

        class Admins(Users):
            __tablename__ = "admins"
            __mapper_args__ = {"polymorphic_identity": "admin"}

        def promote(name):
            db.session.add(Admins(name=name))
        """,
    "web/plugins/dynamic/__init__.py": """\
        from web.models import Challenges, db

        class DynamicChallenge(Challenges):
            __mapper_args__ = {"polymorphic_identity": "dynamic"}
            id = db.Column(None, db.ForeignKey("challenges.id"), primary_key=True)
            initial = db.Column(db.Integer)
        """,
}
