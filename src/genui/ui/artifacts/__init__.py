"""Reports and slide decks (`/v1/artifact`): the v1 `<artifact>` tree and the v2 SlideShow/ReportView
programs, their validation, diffs and patches, streaming writers, the offline composer and edits."""

from .base import Base, edit_base, find_base
from .diff import INVALID_ARTIFACT_DIFF, INVALID_ARTIFACT_ID, DiffError, apply_diff, diff_ops
from .job import ModelEdit, ModelGeneration, Spec, offline_edit, offline_generate
from .offline import EditNotSettled
from .v2 import kind_of_program, program_title, viewer_library

__all__ = [
    "INVALID_ARTIFACT_DIFF",
    "INVALID_ARTIFACT_ID",
    "Base",
    "DiffError",
    "EditNotSettled",
    "ModelEdit",
    "ModelGeneration",
    "Spec",
    "apply_diff",
    "diff_ops",
    "edit_base",
    "find_base",
    "kind_of_program",
    "offline_edit",
    "offline_generate",
    "program_title",
    "viewer_library",
]
