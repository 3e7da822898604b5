"""Reading API descriptions: load, resolve, normalise to the domain ApiModel, graph, auth, lint."""

from __future__ import annotations

from assay.domain.json import JsonObject, as_object, as_str
from assay.domain.operations import ApiModel
from assay.spec.auth import detect_auth
from assay.spec.graph import build_dependencies
from assay.spec.lint import lint_operations
from assay.spec.loader import load_spec, load_spec_file, parse_spec_text, spec_version
from assay.spec.normalize import base_path_of, normalize_operations
from assay.spec.refs import resolve_refs
from assay.spec.security import security_schemes

__all__ = ["build_api_model", "load_spec", "load_spec_file", "parse_spec_text"]


def build_api_model(document: JsonObject, source: str = "the spec") -> ApiModel:
    """The domain model of a parsed spec document (raises SpecParseError / SpecRefError)."""
    version = spec_version(document, source)
    resolved = resolve_refs(document)
    operations = normalize_operations(resolved)
    schemes = security_schemes(resolved)
    base_path = base_path_of(resolved)
    info = as_object(resolved.get("info"))
    return ApiModel(
        title=as_str(info.get("title")),
        version=as_str(info.get("version")),
        spec_version=version,
        base_path=base_path,
        operations=operations,
        security_schemes=schemes,
        auth=detect_auth(operations, schemes, base_path),
        dependencies=build_dependencies(operations),
        spec_issues=lint_operations(operations, schemes),
    )
