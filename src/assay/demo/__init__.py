"""The demo target `assay demo` runs against: an agent-platform API with planted faults.

`assay.demo.app.create_app()` builds it (imports FastAPI); `assay.demo.server.serve_in_thread`
serves it; `PLANTED_FAULTS` lists what a correct run must report.
"""

from assay.demo.faults import PLANTED_FAULTS, PlantedFault, planted_keys

__all__ = ["PLANTED_FAULTS", "PlantedFault", "planted_keys"]
