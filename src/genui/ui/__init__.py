"""Generative-UI core: catalog, schemas, repair, prompt, C1 wire format. Imports nothing else of genui."""

from . import openui
from .fixers import RepairLimits
from .registry import CATALOG_VERSIONS, LATEST_CATALOG_VERSION, Catalog, RepairState
from .repair import StreamRepairer
from .thesys import ThesysMetadata, parse_thesys_metadata

__all__ = [
    "CATALOG_VERSIONS",
    "LATEST_CATALOG_VERSION",
    "Catalog",
    "RepairLimits",
    "RepairState",
    "StreamRepairer",
    "ThesysMetadata",
    "openui",
    "parse_thesys_metadata",
]
