"""Generative-UI core: catalog, schemas, repair, prompt, C1 wire format. Imports nothing else of genui."""

from . import openui
from .builder import TreeBuilder
from .client import client_tree
from .fixers import RepairLimits
from .registry import CATALOG_VERSIONS, LATEST_CATALOG_VERSION, Catalog, RepairState
from .repair import StreamRepairer, tree_writer, write_tree
from .sanitize import safe_image_url, safe_url
from .thesys import ThesysMetadata, parse_thesys_metadata
from .v1_writer import V1Writer
from .writer import ROOT, TreeWriter

__all__ = [
    "CATALOG_VERSIONS",
    "LATEST_CATALOG_VERSION",
    "ROOT",
    "Catalog",
    "RepairLimits",
    "RepairState",
    "StreamRepairer",
    "ThesysMetadata",
    "TreeBuilder",
    "TreeWriter",
    "V1Writer",
    "client_tree",
    "openui",
    "parse_thesys_metadata",
    "safe_image_url",
    "safe_url",
    "tree_writer",
    "write_tree",
]
