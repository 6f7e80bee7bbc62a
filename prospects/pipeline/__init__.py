"""The daily pipeline and its parts: sourcing, fan-out of enrichment and email finding,
scoring, enrolment; and the PipelineRun record that counts each stage."""

from __future__ import annotations
